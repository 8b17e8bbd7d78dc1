using System.Net.Http.Headers;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Metrics;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.E2E;

/// <summary>
/// The dashboard on a laptop, a phone and a wall screen, as an operator meets it. Each test leaves its screenshot in
/// docs/ (the README shows them), so the pictures are the browser's, not drawn by hand.
/// </summary>
public sealed class AtAGlanceTests(SqliteBrowserFixture fixture) : IClassFixture<SqliteBrowserFixture>
{
    private static readonly string Docs = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../docs"));

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> SignedInAsync(int width, int height, string path = "/admin/dashboard")
    {
        var ingest = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateTokenAsync(Roles.Ingest));
        var at = DateTime.UtcNow.AddMinutes(-2).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var id = Guid.NewGuid().ToString("N");
        var events = new[] { ("Career", "excellent"), ("Sleep", "good"), ("Exams", "fair") }.SelectMany((c, i) => new object[]
        {
            new { session_id = $"glance-{id}-{i}", type = "started", at, category = c.Item1, provider = "livekit" },
            new { session_id = $"glance-{id}-{i}", type = "quality", at, quality = c.Item2 },
        });
        Assert.True((await ingest.PostAsJsonAsync("/api/ingest/session-events", new { events })).IsSuccessStatusCode);
        var requests = Enumerable.Range(0, 50).Select(i => new { service = "platform-api", at, status = i == 0 ? 503 : 200, duration_ms = 40 + i });
        Assert.True((await ingest.PostAsJsonAsync("/api/ingest/requests", new { requests })).IsSuccessStatusCode);
        await fixture.App.Services.GetRequiredService<MetricsSnapshotService>().RefreshAsync(CancellationToken.None);

        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, errors) = await fixture.NewPageAsync(new() { ViewportSize = new() { Width = width, Height = height } });
        await BrowserFixture.SignInAsync(page, email, path);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");
        return (context, page, errors);
    }

    private static async Task AssertAxeCleanAsync(IPage page)
    {
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(5).Select(n => $"{n.Target} {n.Html}"))})").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
    }

    [SkippableFact]
    public async Task OnALaptop_TheHealthVerdictIsOneLine_AndASeededOutageShowsInItsProvidersStrip()
    {
        // An app of its own, with LiveKit probed (a local server plays it) and a day of its checks stored, an outage among them.
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var providers = await ProviderServer.StartAsync();
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?>
        {
            ["ExternalServices:Services:livekit:Enabled"] = "true",
            ["ExternalServices:Services:livekit:Url"] = providers.Url("/statuspage/none"),
            ["ExternalServices:DegradedLatencyMs"] = "60000",
        });
        var baseUrl = BrowserFixture.StartOnKestrel(app);
        await app.Services.GetRequiredService<ExternalServiceProber>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
        var now = DateTime.UtcNow;
        var outageFrom = ServiceHistory.Start(now).AddHours(10); // two half hours, ten hours into the strip
        var checks = new List<ServiceCheck>();
        for (var at = ServiceHistory.Start(now).AddMinutes(5); at < now.AddMinutes(-1); at = at.AddMinutes(10))
        {
            var down = at >= outageFrom && at < outageFrom.AddHours(1);
            checks.Add(new ServiceCheck { Service = "livekit", CheckedAt = at, Result = down ? "down" : "operational", Status = down ? "down" : "operational",
                StatusSince = at, LatencyMs = down ? null : 90 + at.Minute, Detail = "seeded" });
        }
        await app.WithDbAsync(db => { db.ServiceChecks.AddRange(checks); return db.SaveChangesAsync(); });
        await app.Services.GetRequiredService<MetricsSnapshotService>().RefreshAsync(CancellationToken.None);

        var email = await app.CreateUserAsync(Roles.SystemMonitor);
        await using var context = await fixture.Browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1366, Height = 768 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");

        var verdict = page.Locator("#card-health .status.big");
        var (height, lineHeight) = await verdict.EvaluateAsync<double[]>("e => [e.getBoundingClientRect().height, parseFloat(getComputedStyle(e).fontSize) * 1.3]")
            .ContinueWith(t => (t.Result[0], t.Result[1]));
        Assert.True(height <= lineHeight, $"the verdict is {height:F0} px high: it broke across lines (one line is about {lineHeight:F0} px)");

        var strip = page.Locator("#card-external .history[data-service=livekit] .strip-48 li");
        await Assertions.Expect(strip).ToHaveCountAsync(ServiceHistory.Segments);
        var downFrom = await page.Locator("#card-external .history[data-service=livekit] .strip-48 li[data-status=down]")
            .EvaluateAllAsync<string[]>("lis => lis.map(li => li.dataset.from)");
        Assert.Equal([outageFrom, outageFrom.AddMinutes(30)], downFrom.Select(d => DateTime.Parse(d, null, System.Globalization.DateTimeStyles.RoundtripKind)));
        Assert.StartsWith($"{outageFrom:HH:mm}–{outageFrom.AddMinutes(30):HH:mm} UTC: down, 3 check(s)",
            await page.Locator("#card-external .history[data-service=livekit] .strip-48 li[data-status=down]").First.GetAttributeAsync("title"));
        await Assertions.Expect(page.Locator("#card-external .history[data-service=livekit] svg.trend path.trend-line")).ToHaveCountAsync(1);
        await AssertAxeCleanAsync(page);
        Assert.Empty(errors);
        Directory.CreateDirectory(Docs);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Docs, "dashboard-laptop.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task OnAPhone_TheHeaderIsOneRow_TheVerdictComesFirst_AndNoCardScrollsSideways()
    {
        var (context, page, errors) = await SignedInAsync(390, 844);
        await using var _ = context;
        var header = await page.Locator(".site-header").BoundingBoxAsync();
        Assert.True(header!.Height < 64, $"the header is {header.Height:F0} px high on a 390 px screen");
        var menu = page.GetByRole(AriaRole.Button, new() { Name = "Menu" });
        await Assertions.Expect(page.Locator("#site-menu")).ToBeHiddenAsync();
        await menu.ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await menu.ClickAsync();

        var firstCard = await page.Locator(".grid > section.card").First.GetAttributeAsync("id");
        Assert.Equal("card-health", firstCard);
        var verdict = await page.Locator("#card-health .status.big").BoundingBoxAsync();
        Assert.True(verdict!.Y + verdict.Height <= 844, "the health verdict is below the fold");
        var sideways = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('.grid > section.card')].filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.id)");
        Assert.Empty(sideways);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways");
        await AssertAxeCleanAsync(page);
        Assert.Empty(errors);
        Directory.CreateDirectory(Docs);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Docs, "dashboard-phone.png"), FullPage = true });
    }

    [SkippableFact]
    public async Task OnAWallScreen_KioskModeFills1920x1080WithoutScrolling_AndAFailedRefreshCoversTheScreen()
    {
        var (context, page, errors) = await SignedInAsync(1920, 1080, "/admin/dashboard?kiosk=1");
        await using var _ = context;
        await Assertions.Expect(page.Locator(".site-header")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#kiosk-status")).ToContainTextAsync("Figures from");
        var fits = await page.EvaluateAsync<double[]>("() => [document.documentElement.scrollHeight, document.documentElement.scrollWidth]");
        Assert.True(fits[0] <= 1080 && fits[1] <= 1920, $"the wall screen scrolls: {fits[1]} × {fits[0]}");
        foreach (var card in await page.Locator(".grid > section.card").AllAsync())
        {
            var box = await card.BoundingBoxAsync();
            Assert.True(box!.Y + box.Height <= 1080 && box.X + box.Width <= 1920, $"{await card.GetAttributeAsync("id")} runs off the screen");
        }
        // Fitting must not mean cutting off: no card's content is taller or wider than the card.
        var clipped = await page.EvaluateAsync<string[]>(
            "() => [...document.querySelectorAll('.grid > section.card')].filter(c => c.scrollHeight > c.clientHeight + 1 || c.scrollWidth > c.clientWidth + 1).map(c => c.id)");
        Assert.Empty(clipped);
        Assert.Equal(9, await page.Locator(".grid > section.card").CountAsync());
        await AssertAxeCleanAsync(page);
        Directory.CreateDirectory(Docs);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Docs, "dashboard-wall.png") });

        // A refresh that fails (the network, the server) covers the whole screen until one succeeds. The poll is asked
        // for a refresh at once rather than waited for.
        const string refresh = "() => htmx.trigger('#dashboard-poll', 'refresh')";
        await page.RouteAsync("**/admin/dashboard?*handler=Cards*", route => route.AbortAsync());
        await page.EvaluateAsync(refresh);
        var banner = page.Locator("#refresh-failed");
        await Assertions.Expect(banner).ToBeVisibleAsync();
        var covered = await banner.BoundingBoxAsync();
        Assert.True(covered!.Width >= 1900 && covered.Height >= 1060, $"the banner covers {covered.Width} × {covered.Height}");
        await page.UnrouteAsync("**/admin/dashboard?*handler=Cards*");
        await page.EvaluateAsync(refresh);
        await Assertions.Expect(banner).ToBeHiddenAsync();
        Assert.DoesNotContain(errors, e => !e.StartsWith("htmx:") && !e.Contains("ERR_FAILED"));
    }
}
