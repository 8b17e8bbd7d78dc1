using Microsoft.Playwright;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.E2E;

public abstract class SignInTests(BrowserFixture fixture)
{
    [SkippableFact]
    public async Task Monitor_SignsInThroughTheLoginPage_AndReachesTheDashboard()
    {
        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;

        await page.GotoAsync("/");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath);
        await BrowserFixture.SignInAsync(page, email);

        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System dashboard" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync(email);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"dashboard-{GetType().Name}.png"), FullPage = true });
        Assert.Empty(errors);

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, "/login");
    }

    [SkippableFact]
    public async Task AUserEnrolsAnAuthenticator_ThenSignsInWithItsCode()
    {
        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "Two-factor" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, "/account/mfa");
        var qr = page.GetByRole(AriaRole.Img, new() { Name = "QR code of your authenticator key (the key is written below)" });
        await Assertions.Expect(qr).ToBeVisibleAsync();
        Assert.True(await qr.EvaluateAsync<int>("img => img.naturalWidth") > 0, "the QR code's PNG did not decode");
        var key = (await page.Locator("#mfa-key").TextContentAsync())!.Trim();
        // What the phone's app shows for the key (the test computes it as the app does).
        await page.GetByLabel("Code", new() { Exact = true }).FillAsync(Totp.Code(key, DateTimeOffset.UtcNow));
        await page.GetByLabel("Current password").FillAsync(MonitorAppFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await Assertions.Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
        Assert.Empty(await BrowserFixture.CspViolationsAsync(page));

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, "/login");
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/login/mfa");
        // The code that enrolled is spent (each counts once): the phone's next one, half a minute on, is within the window.
        await page.GetByLabel("Code from your authenticator app, or a recovery code").FillAsync(Totp.Code(key, DateTimeOffset.UtcNow.AddSeconds(30)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");
        await Assertions.Expect(page.Locator(".who")).ToContainTextAsync(email);
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task ContentManager_SeesTheAccessDeniedPage()
    {
        var email = await fixture.App.CreateUserAsync(Roles.ContentManager);
        var (context, page, _) = await fixture.NewPageAsync();
        await using var __ = context;

        await BrowserFixture.SignInAsync(page, email);

        await BrowserFixture.ArrivedAtAsync(page, "/access-denied");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Access denied" })).ToBeVisibleAsync();
        var response = await page.ReloadAsync();
        Assert.Equal(403, response!.Status);
    }

    [SkippableFact]
    public async Task WrongPassword_ShowsTheErrorOnThePage()
    {
        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, _) = await fixture.NewPageAsync();
        await using var __ = context;

        await page.GotoAsync("/login");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync("definitely-wrong");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync(MonitorApp.Pages.Account.LoginModel.Failed);
    }
}

public sealed class SqliteSignInTests(SqliteBrowserFixture fixture) : SignInTests(fixture), IClassFixture<SqliteBrowserFixture>;

public sealed class PostgresSignInTests(PostgresBrowserFixture fixture) : SignInTests(fixture), IClassFixture<PostgresBrowserFixture>;
