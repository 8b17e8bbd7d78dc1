using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MonitorApp.Auth;
using MonitorApp.Metrics;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.E2E;

/// <summary>The dashboard in Chromium against a real Kestrel server: what an operator sees and what happens over time.</summary>
public abstract partial class DashboardTests(BrowserFixture fixture, ITestOutputHelper output)
{
    private static string Now(int minutesAgo = 0) => DateTime.UtcNow.AddMinutes(-minutesAgo).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    /// <summary>Posts session events, and 40 request outcomes (10 % errors) so the error-rate figures have data too.</summary>
    private async Task IngestAsync(params object[] events)
    {
        var ingest = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.App.CreateTokenAsync(Roles.Ingest));
        var response = await ingest.PostAsJsonAsync("/api/ingest/session-events", new { events });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var requests = Enumerable.Range(0, 40).Select(i => new { service = "platform-api", at = Now(i % 50), status = i % 10 == 0 ? 503 : 200, duration_ms = 20 + i * 7 });
        Assert.True((await ingest.PostAsJsonAsync("/api/ingest/requests", new { requests })).IsSuccessStatusCode);
    }

    private static object Started(string id, string category, string quality) =>
        new object[]
        {
            new { session_id = id, type = "started", at = Now(2), category, provider = "livekit" },
            new { session_id = id, type = "quality", at = Now(1), quality },
        };

    private async Task SeedAsync(string prefix)
    {
        var events = new[] { ("Career", "excellent"), ("Career", "good"), ("Sleep", "fair"), ("Exams", "poor") }
            .SelectMany((c, i) => (object[])Started($"{prefix}-{i}", c.Item1, c.Item2)).ToArray();
        await IngestAsync(events);
        await RefreshAsync();
    }

    private Task RefreshAsync() => fixture.App.Services.GetRequiredService<MetricsSnapshotService>().RefreshAsync(CancellationToken.None);

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> MonitorPageAsync(bool installClock = false, BrowserNewContextOptions? options = null)
    {
        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, errors) = await fixture.NewPageAsync(options);
        if (installClock)
        {
            // Paused: the page's timers (the 30-second poll among them) move only when the test runs the
            // clock, however long the machine takes between steps.
            var now = DateTime.UtcNow;
            await page.Clock.InstallAsync(new() { TimeDate = now });
            await page.Clock.PauseAtAsync(now.AddSeconds(1));
        }
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");
        return (context, page, errors);
    }

    private static Task<int> ActiveCountAsync(IPage page) =>
        page.Locator("#active-count").TextContentAsync().ContinueWith(t => int.Parse(t.Result!.Replace(",", "")));

    [GeneratedRegex(@"^\d[\d,]*$")]
    private static partial Regex Number();

    [SkippableFact]
    public async Task EveryCardShowsData_ChartsAreDrawn_NoConsoleErrorsOrCspViolations_AndAxeFindsNothingSerious()
    {
        await SeedAsync($"cards-{Guid.NewGuid():N}");
        var (context, page, errors) = await MonitorPageAsync(options: new() { ViewportSize = new() { Width = 1440, Height = 1000 } });
        await using var _ = context;

        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(Number());
        await Assertions.Expect(page.Locator("#card-health .status")).ToHaveTextAsync(new Regex("Healthy|Degraded|Critical"));
        await Assertions.Expect(page.Locator("#card-avg-quality .status")).ToHaveTextAsync(new Regex("Excellent|Good|Fair|Poor"));
        await Assertions.Expect(page.Locator("#card-error-rate .big")).ToHaveTextAsync(new Regex(@"^\d+(\.\d+)? %$"));
        await Assertions.Expect(page.Locator("#card-p95 .big")).ToHaveTextAsync(new Regex(@" ms$"));
        await Assertions.Expect(page.Locator("#card-db-pool dd").First).ToHaveTextAsync(Number());
        await Assertions.Expect(page.Locator("#card-categories tbody")).ToContainTextAsync("Career");
        await Assertions.Expect(page.Locator("#card-quality-distribution tbody")).ToContainTextAsync("Excellent");
        await Assertions.Expect(page.Locator("#card-external tbody")).ToContainTextAsync("Daily.co");

        // Charts: a Chart.js instance per canvas, its legend, and pixels actually painted.
        foreach (var (canvas, legendItems) in new[] { ("#card-quality-distribution canvas", 4), ("#card-error-chart canvas", 4) }) // error chart: rate, alert fired, degraded, critical
        {
            var drawn = await page.EvaluateAsync<int[]>(@"selector => {
                const canvas = document.querySelector(selector);
                const chart = Chart.getChart(canvas);
                const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) painted++;
                return [chart ? chart.legend.legendItems.length : -1, painted];
            }", canvas);
            Assert.Equal(legendItems, drawn[0]);
            Assert.True(drawn[1] > 1000, $"{canvas} painted only {drawn[1]} pixels");
        }

        // Hovering the hour with the most requests shows its requests, errors, rate and p95.
        await page.Locator("#card-error-chart canvas").ScrollIntoViewIfNeededAsync(); // the alerts card may push it below the fold
        var point = await page.EvaluateAsync<double[]>(@"() => {
            const canvas = document.querySelector('#card-error-chart canvas');
            const chart = Chart.getChart(canvas);
            const points = JSON.parse(canvas.dataset.chartData).points;
            const busiest = points.reduce((best, p, i) => p.requests > points[best].requests ? i : best, 0);
            const element = chart.getDatasetMeta(0).data[busiest];
            const box = canvas.getBoundingClientRect();
            return [box.left + element.x, box.top + element.y];
        }");
        await page.Mouse.MoveAsync((float)point[0], (float)point[1]);
        var tooltip = await page.EvaluateAsync<string[]>(
            "() => Chart.getChart(document.querySelector('#card-error-chart canvas')).tooltip.body.flatMap(b => b.lines)");
        Assert.Contains(tooltip, l => Regex.IsMatch(l, @"^Requests: [1-9]\d*$"));
        Assert.Contains(tooltip, l => l.StartsWith("Errors: "));
        Assert.Contains(tooltip, l => Regex.IsMatch(l, @"^Error rate: \d+(\.\d+)? %$"));
        Assert.Contains(tooltip, l => Regex.IsMatch(l, @"^p95: \d+(\.\d+)? ms$"));

        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v => $"{v.Impact} {v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));

        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"dashboard-desktop-{GetType().Name}.png"), FullPage = true });
        await page.SetViewportSizeAsync(390, 844);
        await Assertions.Expect(page.Locator("#card-external")).ToBeVisibleAsync();
        var overflowing = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.card'))
            .map(e => e.tagName + '#' + e.id + '.' + e.className)");
        Assert.True(overflowing.Length == 0, "the narrow layout scrolls sideways: " + string.Join(", ", overflowing));
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, $"dashboard-narrow-{GetType().Name}.png"), FullPage = true });

        Assert.Empty(errors);
        Assert.Empty(await BrowserFixture.CspViolationsAsync(page));
    }

    [SkippableFact]
    public async Task ThirtySecondsAfterNewData_TheCardsChange_WithoutAReload_AndChartsAreNotLeaked()
    {
        await SeedAsync($"poll-{Guid.NewGuid():N}");
        var (context, page, errors) = await MonitorPageAsync(installClock: true);
        await using var _ = context;
        await page.EvaluateAsync("() => window.__sameDocument = true");
        var category = $"Poll {Guid.NewGuid():N}"[..13];
        await Assertions.Expect(page.Locator("#card-categories tbody")).Not.ToContainTextAsync(category);

        await IngestAsync((object[])Started($"poll-new-{Guid.NewGuid():N}", category, "good"));
        await RefreshAsync();
        await page.Clock.RunForAsync(29_000);
        await Assertions.Expect(page.Locator("#card-categories tbody")).Not.ToContainTextAsync(category, new() { Timeout = 1000 });
        await page.Clock.RunForAsync(1_000);

        await Assertions.Expect(page.Locator("#card-categories tbody")).ToContainTextAsync(category);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        for (var i = 0; i < 3; i++)
        {
            await page.RunAndWaitForResponseAsync(() => page.Clock.RunForAsync(30_000), "**/admin/dashboard?handler=Cards*");
            await page.Clock.RunForAsync(100); // htmx settles the swapped cards (and loads their charts) after a short timeout
        }
        await Assertions.Expect(page.Locator("#card-categories tbody")).ToContainTextAsync(category);
        Assert.Equal(2, await page.EvaluateAsync<int>("() => Object.keys(Chart.instances).length")); // old charts destroyed with their canvases
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task ASessionStarting_ChangesTheActiveCounterWithinTwoSeconds_WithoutAPoll()
    {
        var (context, page, errors) = await MonitorPageAsync();
        await using var _ = context;
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(Number());
        await BrowserFixture.WaitForStreamMessageAsync(page); // the stream's opening count
        var before = await ActiveCountAsync(page);

        var started = DateTime.UtcNow;
        await IngestAsync(new { session_id = $"live-{Guid.NewGuid():N}", type = "started", at = Now(), category = "Career", provider = "daily_co" });
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync((before + 1).ToString("N0"), new() { Timeout = 2000 });
        output.WriteLine($"{GetType().Name}: counter changed {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms after the ingest call began");
        Assert.Empty(errors);
    }

    [SkippableFact]
    public async Task WithoutTheStream_TheCounterFollowsThePoll_AndTheStreamReconnects()
    {
        var (context, page, errors) = await MonitorPageAsync(installClock: true);
        await using var _ = context;
        await page.RouteAsync("**/admin/dashboard/stream", route => route.AbortAsync());
        await RefreshAsync(); // so the page shows the count of now, not of up to 5 s ago
        await page.ReloadAsync(); // the page opens its stream again, and it fails
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(Number());
        var before = await ActiveCountAsync(page);

        await IngestAsync(new { session_id = $"nostream-{Guid.NewGuid():N}", type = "started", at = Now(), category = "Career", provider = "daily_co" });
        await RefreshAsync();
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(before.ToString("N0"), new() { Timeout = 1500 }); // nothing pushed
        await page.Clock.RunForAsync(30_000);
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync((before + 1).ToString("N0")); // the poll brought it

        await page.Clock.ResumeAsync(); // htmx settles swapped content on timers: let them run by themselves again
        await page.UnrouteAsync("**/admin/dashboard/stream");
        var opened = await BrowserFixture.StreamOpensAsync(page);
        await page.RunAndWaitForRequestAsync(() => page.Clock.RunForAsync(70_000), "**/admin/dashboard/stream"); // the extension retries with backoff
        await BrowserFixture.WaitForStreamOpenAsync(page, opened); // connected again: from now on each change is pushed
        await IngestAsync(new { session_id = $"restream-{Guid.NewGuid():N}", type = "started", at = Now(), category = "Career", provider = "daily_co" });
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync((before + 2).ToString("N0"), new() { Timeout = 2000 });
        // The refused stream is logged by the browser and by the extension ("[object Event]"); nothing else may be.
        Assert.DoesNotContain(errors, e => !e.StartsWith("htmx:") && !e.Contains("ERR_FAILED") && e != "[object Event]");
    }

    [SkippableFact]
    public async Task AFailedRefresh_KeepsTheCardsAndSaysHowOldTheyAre_ThenClearsOnTheNextSuccess()
    {
        await SeedAsync($"fail-{Guid.NewGuid():N}");
        var (context, page, errors) = await MonitorPageAsync(installClock: true);
        await using var _ = context;
        var shownFrom = await page.Locator("#card-health [data-generated-label]").GetAttributeAsync("data-generated-label");
        var banner = page.Locator("#refresh-failed");
        await Assertions.Expect(banner).ToBeHiddenAsync();

        await page.RouteAsync("**/admin/dashboard?handler=Cards*", route => route.AbortAsync());
        await page.Clock.RunForAsync(30_000);
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await Assertions.Expect(banner).ToHaveTextAsync($"Refresh failed — showing data from {shownFrom}");
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(Number()); // the last content stays

        await page.UnrouteAsync("**/admin/dashboard?handler=Cards*");
        await page.Clock.RunForAsync(30_000);
        await Assertions.Expect(banner).ToBeHiddenAsync();

        await page.RouteAsync("**/admin/dashboard?handler=Cards*", route => route.FulfillAsync(new() { Status = 503, Body = "" }));
        await page.Clock.RunForAsync(30_000);
        await Assertions.Expect(banner).ToBeVisibleAsync();
        await page.UnrouteAsync("**/admin/dashboard?handler=Cards*");
        await page.Clock.RunForAsync(30_000);
        await Assertions.Expect(banner).ToBeHiddenAsync();

        // The aborted and refused requests are logged by the browser and by htmx; nothing else may be.
        Assert.DoesNotContain(errors, e => !e.StartsWith("htmx:") && !e.Contains("ERR_FAILED") && !e.Contains("503"));
    }

    [SkippableFact]
    public async Task WhenTheSignInExpiresDuringPolling_TheBrowserGoesToTheLoginPage()
    {
        var (context, page, _) = await MonitorPageAsync(installClock: true);
        await using var __ = context;
        await Assertions.Expect(page.Locator("#active-count")).ToHaveTextAsync(Number()); // htmx has set up the poll
        await context.ClearCookiesAsync();

        var poll = await page.RunAndWaitForResponseAsync(() => page.Clock.RunForAsync(30_000), "**/admin/dashboard?handler=Cards*");
        Assert.Equal(401, poll.Status);
        Assert.Equal("/login?ReturnUrl=%2Fadmin%2Fdashboard", await poll.HeaderValueAsync("HX-Redirect"));

        // The browser may be on the login page already: an assertion on the URL holds whether the navigation
        // is still to come or has happened (WaitForURL would wait for another one that never comes).
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/login\?ReturnUrl=%2Fadmin%2Fdashboard$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in to MonitorApp" })).ToBeVisibleAsync();
    }

    [SkippableFact]
    public async Task SuperAdmin_CreatesATokenInThePage_UsesIt_AndRevokesIt()
    {
        var email = await fixture.App.CreateUserAsync(Roles.SuperAdmin);
        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;
        await BrowserFixture.SignInAsync(page, email, "/admin/tokens");
        await BrowserFixture.ArrivedAtAsync(page, "/admin/tokens");

        var name = $"e2e-{Guid.NewGuid():N}"[..16];
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Role").SelectOptionAsync(Roles.SystemMonitor);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var secret = (await page.Locator("#token-secret").TextContentAsync())!.Trim();
        Assert.StartsWith("mon_", secret);

        var api = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/admin/metrics/current")).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = $"Revoke {name}" }).ClickAsync();
        await Assertions.Expect(page.Locator($"tr[data-token='{name}']")).ToContainTextAsync("revoked");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/admin/metrics/current")).StatusCode);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#token-secret")).ToHaveCountAsync(0); // shown once
        var csp = await BrowserFixture.CspViolationsAsync(page);
        Assert.True(csp.Length == 0, string.Join("\n", csp));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [SkippableFact]
    public async Task ChartView_ChangesWithoutAReload_LivesInTheAddress_AndSurvivesTheRefreshAReloadAndBack()
    {
        await SeedAsync($"view-{Guid.NewGuid():N}");
        var (context, page, errors) = await MonitorPageAsync(installClock: true);
        await using var _ = context;
        var title = page.Locator("#card-error-chart h2");
        async Task<int> PointsAsync()
        {
            await page.Clock.RunForAsync(100); // htmx settles (and the chart is drawn) on a timer of the paused clock
            return await page.EvaluateAsync<int>("() => Chart.getChart(document.querySelector('#card-error-chart canvas')).data.labels.length");
        }
        await page.EvaluateAsync("() => { window.sameDocument = true; }");

        await page.RunAndWaitForResponseAsync(() => page.Locator("label[for=chart-range-7d]").ClickAsync(), "**/admin/dashboard?handler=Cards*");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/admin/dashboard\?range=7d$"));
        await Assertions.Expect(title).ToHaveTextAsync("Error rate, last 7 days");
        Assert.Equal(168, await PointsAsync());
        await page.RunAndWaitForResponseAsync(() => page.Locator("#chart-service").SelectOptionAsync("platform-api"), "**/admin/dashboard?handler=Cards*");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/admin/dashboard\?range=7d&service=platform-api$"));
        await Assertions.Expect(title).ToHaveTextAsync("Error rate, last 7 days — platform-api");
        Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true")); // htmx swapped the cards; no page load

        // The 30-second refresh asks for the same view and keeps it.
        var poll = await page.RunAndWaitForResponseAsync(() => page.Clock.RunForAsync(30_000), "**/admin/dashboard?handler=Cards*");
        Assert.Contains("range=7d", poll.Url);
        Assert.Contains("service=platform-api", poll.Url);
        await Assertions.Expect(title).ToHaveTextAsync("Error rate, last 7 days — platform-api");
        Assert.Equal(168, await PointsAsync());
        // Switching the range and refreshing broke no rule of the strict CSP (htmx settles no style attribute) and logged nothing.
        Assert.Empty(await BrowserFixture.CspViolationsAsync(page));
        Assert.Empty(errors);

        // The address reproduces the view; Back goes to the view before.
        await page.ReloadAsync();
        await Assertions.Expect(title).ToHaveTextAsync("Error rate, last 7 days — platform-api");
        Assert.Equal(168, await PointsAsync());
        await page.GoBackAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/admin/dashboard\?range=7d$"));
        await Assertions.Expect(title).ToHaveTextAsync("Error rate, last 7 days");
        await Assertions.Expect(page.Locator("#chart-range-7d")).ToBeCheckedAsync();
        Assert.Empty(errors);
    }

    [SkippableTheory]
    [InlineData(1440, 1000)]
    [InlineData(1920, 1080)]
    public async Task OnADesktopAndAKiosk_NoCardClipsItsContent_AndTheVerdictLeadsInFull(int width, int height)
    {
        await SeedAsync($"fit-{Guid.NewGuid():N}");
        var (context, page, errors) = await MonitorPageAsync(options: new() { ViewportSize = new() { Width = width, Height = height } });
        await using var _ = context;
        foreach (var path in new[] { "/admin/dashboard", "/admin/dashboard?kiosk=1" })
        {
            await page.GotoAsync(path);
            await Assertions.Expect(page.Locator("#card-health")).ToBeVisibleAsync();
            // Each card's content fits its box: nothing wider (a sideways scrollbar or clipped words), and the verdict whole.
            var wide = await page.EvaluateAsync<string[]>("""
                () => [...document.querySelectorAll('.card')].filter(c => c.scrollWidth > c.clientWidth + 1)
                    .map(c => `${c.id}: ${c.scrollWidth} > ${c.clientWidth}`)
                """);
            Assert.True(wide.Length == 0, $"{path} at {width} px: " + string.Join(", ", wide));
            var verdict = page.Locator("#card-health .verdict");
            Assert.True(await verdict.EvaluateAsync<bool>("v => v.scrollWidth <= v.clientWidth + 1"), $"{path}: the verdict is clipped at {width} px");
            if (!path.Contains("kiosk"))
            {
                var box = (await page.Locator("#card-health").BoundingBoxAsync())!;
                Assert.True(box.Width > width * 0.8, $"the headline is {box.Width} px wide at {width} px: it should lead across the row");
            }
        }
        Assert.Empty(await BrowserFixture.CspViolationsAsync(page));
        Assert.Empty(errors);
    }
}

public sealed class SqliteDashboardTests(SqliteBrowserFixture fixture, ITestOutputHelper output) : DashboardTests(fixture, output), IClassFixture<SqliteBrowserFixture>;

public sealed class PostgresDashboardTests(PostgresBrowserFixture fixture, ITestOutputHelper output) : DashboardTests(fixture, output), IClassFixture<PostgresBrowserFixture>;
