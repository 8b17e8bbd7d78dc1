using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.E2E;

/// <summary>
/// The app on a real Kestrel port with a real database, and Debian's Chromium driven by Playwright.
/// Playwright cannot download its own browser here, so the system one is launched (MONITOR_E2E_CHROMIUM
/// overrides the path).
/// </summary>
public abstract class BrowserFixture(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase? database;
    private MonitorAppFactory? app;
    private IPlaywright? playwright;
    private IBrowser? browser;
    private string? skipReason;
    private string? baseUrl;

    public MonitorAppFactory App => app ?? throw new SkipException(skipReason ?? "the app did not start");
    public IBrowser Browser => browser ?? throw new SkipException(skipReason ?? "the browser did not start");
    public string BaseUrl => baseUrl ?? throw new SkipException(skipReason ?? "the app did not start");

    public static readonly string ArtifactsDirectory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../artifacts"));

    public async Task InitializeAsync()
    {
        try
        {
            TestEnvironment.Require(File.Exists(TestEnvironment.ChromiumPath),
                $"Chromium was not found at {TestEnvironment.ChromiumPath}: install it (apt-get install chromium) or set MONITOR_E2E_CHROMIUM.");
            database = await TestDatabase.CreateAsync(provider);
        }
        catch (SkipException ex)
        {
            skipReason = ex.Message;
            return;
        }

        app = new MonitorAppFactory(database);
        baseUrl = StartOnKestrel(app);

        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = TestEnvironment.ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        Directory.CreateDirectory(ArtifactsDirectory);
    }

    /// <summary>Starts the app on a real loopback port and returns its base URL.</summary>
    public static string StartOnKestrel(MonitorAppFactory factory)
    {
        factory.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        factory.StartServer();
        return factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary>A fresh browser context (its own cookies) with console errors collected and CSP violations recorded.</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> ConsoleErrors)> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseUrl;
        var context = await Browser.NewContextAsync(options);
        await context.AddInitScriptAsync(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' at ' + e.sourceFile + ':' + e.lineNumber + ':' + e.columnNumber + ' ' + e.sample));" +
            // Counts what the live stream delivered, so a test waits for a message instead of a guessed time.
            "window.__sseMessages = 0; document.addEventListener('htmx:sseMessage', () => window.__sseMessages++);" +
            "window.__sseOpens = 0; document.addEventListener('htmx:sseOpen', () => window.__sseOpens++);");
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        page.PageError += (_, error) => errors.Add(error);
        return (context, page, errors);
    }

    /// <summary>Signs in through the login form, as <paramref name="email"/>, landing on <paramref name="path"/>.</summary>
    public static async Task SignInAsync(IPage page, string email, string path = "/admin/dashboard")
    {
        await page.GotoAsync(path);
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(MonitorAppFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>
    /// Waits until the page shows <paramref name="path"/> and has loaded (its scripts ran). Asserting the URL
    /// holds whether the navigation is still to come or already happened; WaitForURL after a click that
    /// redirects sometimes waited for a navigation or load state that had already passed (one run in ten).
    /// </summary>
    public static async Task ArrivedAtAsync(IPage page, string path)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^[^?#]*" + System.Text.RegularExpressions.Regex.Escape(path) + "([?#].*)?$"));
        await page.EvaluateAsync("() => new Promise(done => document.readyState === 'complete' ? done() : window.addEventListener('load', () => done()))");
    }

    public static async Task<string[]> CspViolationsAsync(IPage page) => await page.EvaluateAsync<string[]>("() => window.__cspViolations");

    /// <summary>Waits until the page's live stream has delivered a message (the opening count, say).</summary>
    public static Task WaitForStreamMessageAsync(IPage page) => page.WaitForFunctionAsync("() => window.__sseMessages > 0");

    /// <summary>How many times the page's live stream has connected so far.</summary>
    public static Task<int> StreamOpensAsync(IPage page) => page.EvaluateAsync<int>("() => window.__sseOpens");

    /// <summary>Waits until the page's live stream has connected more than <paramref name="seen"/> times.</summary>
    public static Task WaitForStreamOpenAsync(IPage page, int seen) => page.WaitForFunctionAsync("seen => window.__sseOpens > seen", seen);

    public async Task DisposeAsync()
    {
        if (browser is not null)
            await browser.CloseAsync();
        playwright?.Dispose();
        if (app is not null)
            await app.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }
}

public sealed class SqliteBrowserFixture() : BrowserFixture(DatabaseProvider.Sqlite);

public sealed class PostgresBrowserFixture() : BrowserFixture(DatabaseProvider.Postgres);
