using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Pages.Dashboard;

/// <summary>The dashboard as the server renders it, against a seeded snapshot with exact figures.</summary>
public abstract class DashboardPageTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    /// <summary>3 sessions (Career 2, Sleep 1; excellent, good, poor) and 100 requests: 3 errors, p95 625 ms.</summary>
    private static async Task<(IsolatedApp App, HttpClient Browser)> SeededAsync(DatabaseProvider provider, Dictionary<string, string?>? settings = null)
    {
        var app = await IsolatedApp.StartAsync(provider, settings);
        var at = IsolatedApp.Iso(T0.AddMinutes(-10));
        await app.PostSessionEventsAsync(
            new { session_id = "s-1", type = "started", at, category = "Career", provider = "daily_co" },
            new { session_id = "s-2", type = "started", at, category = "Career", provider = "livekit" },
            new { session_id = "s-3", type = "started", at, category = "Sleep", provider = "livekit" },
            new { session_id = "s-1", type = "quality", at, quality = "excellent" },
            new { session_id = "s-2", type = "quality", at, quality = "good" },
            new { session_id = "s-3", type = "quality", at, quality = "poor" });
        await app.PostRequestsAsync(Enumerable.Range(0, 100).Select(i => (object)new
        {
            service = "platform-api", at = IsolatedApp.Iso(T0.AddMinutes(-5)), status = i < 3 ? 500 : 200, duration_ms = i < 90 ? 20 : 600,
        }));
        await app.RefreshAsync();
        return (app, await app.App.CreateClientAsAsync(Roles.SystemMonitor));
    }

    private static string Text(IParentNode page, string selector) =>
        (page.QuerySelector(selector) ?? throw new Xunit.Sdk.XunitException($"no element matches {selector}")).TextContent.Trim();

    private static string Row(IElement row) => string.Join(' ', row.Children.Select(c => Squash(c.TextContent)));

    private static string Squash(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));

    [SkippableFact]
    public async Task FirstRender_ShowsEveryCardWithTheSnapshotsExactFigures()
    {
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));

        Assert.Equal("3", Text(page, "#active-count"));
        Assert.Equal("▲ Degraded", Squash(Text(page, "#card-health .status")));
        var reasons = page.QuerySelectorAll("#card-health .reasons li").Select(li => li.TextContent.Trim()).ToList();
        Assert.Contains("error rate 3 % > 2 % (degraded)", reasons);
        Assert.Contains("p95 response time 625 ms > 500 ms (degraded)", reasons);
        Assert.Contains("Figures from 12:00:30 UTC", Squash(Text(page, "#card-health .as-of")));
        Assert.Equal("● Good", Squash(Text(page, "#card-avg-quality .status"))); // (4 + 3 + 1) / 3 = 2.67
        Assert.Equal("3 %", Text(page, "#card-error-rate .big"));
        Assert.Equal("3 error(s) (5xx) in 100 request(s)", Squash(page.QuerySelectorAll("#card-error-rate p")[1].TextContent));
        Assert.Equal("625 ms", Text(page, "#card-p95 .big"));
        Assert.Equal("sqlite" == provider.ToString().ToLowerInvariant() ? "Provider: sqlite" : "Provider: postgres", Text(page, "#card-db-pool p.muted"));
        if (provider == DatabaseProvider.Sqlite)
        {
            // What SQLite has, and one line on why the rest does not apply: no wall of "unknown".
            Assert.DoesNotContain("unknown", Text(page, "#card-db-pool dl"));
            Assert.Contains("Active", Text(page, "#card-db-pool dl"));
            Assert.Single(page.QuerySelectorAll("#card-db-pool .reason li"));
        }

        var categories = page.QuerySelectorAll("#card-categories tbody tr").Select(Row).ToList();
        Assert.Equal(["Career 2", "Sleep 1"], categories);
        Assert.Equal("Total 3", Row(page.QuerySelector("#card-categories tfoot tr")!));
        var quality = page.QuerySelectorAll("#card-quality-distribution tbody tr").Select(Row).ToList();
        Assert.Equal(["Excellent 33.4 % 1", "Good 33.3 % 1", "Fair 0.0 % 0", "Poor 33.3 % 1"], quality);
        Assert.Contains("Daily.co", Text(page, "#card-external tbody"));
        Assert.Equal(14, page.QuerySelectorAll(".grid > section.card").Length);
        Assert.Contains("No alert is firing or pending", Text(page, "#card-alerts"));
        Assert.NotNull(page.QuerySelector("#card-events"));
    }

    [SkippableFact]
    public async Task ChartData_IsExactlyWhatTheJsonEndpointsSay()
    {
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));

        var errorChart = JsonNode.Parse(page.QuerySelector("#card-error-chart canvas")!.GetAttribute("data-chart-data")!);
        var errorApi = JsonNode.Parse((await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=24")).GetRawText());
        Assert.True(JsonNode.DeepEquals(errorApi, errorChart), $"chart: {errorChart}\napi: {errorApi}");
        Assert.Equal(24, errorChart!["points"]!.AsArray().Count);
        Assert.Equal(0.03, errorChart["points"]!.AsArray()[^2]!["error_rate"]!.GetValue<double>()); // 11:00, the hour of the requests
        Assert.Equal("degraded", errorChart["points"]!.AsArray()[^2]!["level"]!.GetValue<string>()); // 3 % > 2 %: the health rule
        Assert.Null(errorChart["points"]!.AsArray()[^1]!["level"]); // no requests, no level
        Assert.Contains("11:00 UTC (3 %, degraded)", page.QuerySelector("#card-error-chart")!.TextContent);

        var qualityChart = JsonNode.Parse(page.QuerySelector("#card-quality-distribution canvas")!.GetAttribute("data-chart-data")!);
        var sessionsApi = JsonNode.Parse((await app.GetJsonAsync("/api/admin/metrics/sessions?window=24h")).GetRawText());
        Assert.True(JsonNode.DeepEquals(sessionsApi, qualityChart), $"chart: {qualityChart}\napi: {sessionsApi}");
    }

    /// <summary>The seed, and a second service three days ago: 10 requests, 5 of them errors.</summary>
    private static async Task<(IsolatedApp App, HttpClient Browser)> TwoServicesAsync(DatabaseProvider provider)
    {
        var (app, browser) = await SeededAsync(provider);
        await app.PostRequestsAsync(Enumerable.Range(0, 10).Select(i => (object)new
        {
            service = "video-api", at = IsolatedApp.Iso(T0.AddDays(-3)), status = i < 5 ? 502 : 200, duration_ms = 40,
        }));
        await app.RefreshAsync();
        return (app, browser);
    }

    [SkippableFact]
    public async Task ErrorChart_RangeAndServiceComeFromTheUrl_AndAreExactlyTheApisFigures()
    {
        var (app, browser) = await TwoServicesAsync(provider);
        await using var _ = app;

        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard?range=7d&service=video-api"));
        var chart = JsonNode.Parse(page.QuerySelector("#card-error-chart canvas")!.GetAttribute("data-chart-data")!);
        var api = JsonNode.Parse((await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=168&service=video-api")).GetRawText());
        Assert.True(JsonNode.DeepEquals(api, chart), $"chart: {chart}\napi: {api}");
        var points = chart!["points"]!.AsArray();
        Assert.Equal(168, points.Count);
        var hour = new DateTime(T0.UtcDateTime.Ticks - T0.UtcDateTime.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc).AddDays(-3);
        var busy = Assert.Single(points, p => p!["requests"]!.GetValue<long>() > 0)!;
        Assert.Equal(hour, busy["hour"]!.GetValue<DateTime>().ToUniversalTime());
        Assert.Equal(0.5, busy["error_rate"]!.GetValue<double>());
        Assert.Equal("critical", busy["level"]!.GetValue<string>());
        Assert.Equal("Error rate, last 7 days — video-api", Text(page, "#card-error-chart h2"));
        var name = hour.ToString("ddd dd MMM HH", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"{name}:00 UTC (50 %, critical)", Squash(Text(page, "#card-error-chart")));

        // The form shows the view; the filter offers the last day's services and the one shown.
        Assert.NotNull(page.QuerySelector("#chart-view input[name=range][value='7d'][checked]"));
        Assert.Null(page.QuerySelector("#chart-view input[name=range][value='24h'][checked]"));
        Assert.Equal(["", "platform-api", "video-api"], page.QuerySelectorAll("#chart-view select[name=service] option").Select(o => o.GetAttribute("value")));
        Assert.Equal("video-api", page.QuerySelector("#chart-view option[selected]")!.GetAttribute("value"));
        // A service's name in the Services card opens its chart in the range shown.
        Assert.Equal("/admin/dashboard?range=7d&service=platform-api", page.QuerySelector("#card-services [data-service='platform-api'] a")!.GetAttribute("href"));

        // The wall screen has no form: its refresh asks for the view of its address.
        var wall = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard?kiosk=1&range=7d&service=video-api"));
        Assert.Equal("/admin/dashboard?kiosk=1&range=7d&service=video-api&handler=Cards", wall.QuerySelector("#dashboard-poll")!.GetAttribute("hx-get"));
        Assert.Null(wall.QuerySelector("#chart-view"));

        // The defaults: the whole platform's last 24 hours, the 7-day point out of sight.
        var plain = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));
        var day = JsonNode.Parse(plain.QuerySelector("#card-error-chart canvas")!.GetAttribute("data-chart-data")!)!["points"]!.AsArray();
        Assert.Equal(24, day.Count);
        Assert.Equal(100, day.Sum(p => p!["requests"]!.GetValue<long>()));
        Assert.Equal("Error rate, last 24 hours", Text(plain, "#card-error-chart h2"));
        Assert.Equal("/admin/dashboard?service=platform-api", plain.QuerySelector("#card-services [data-service='platform-api'] a")!.GetAttribute("href"));
    }

    [SkippableFact]
    public async Task ChangingTheChartsView_AnswersWithTheCardsAndTheAddressToPush_AndThePollKeepsTheView()
    {
        var (app, browser) = await TwoServicesAsync(provider);
        await using var _ = app;
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));
        var form = page.QuerySelector<IHtmlFormElement>("#chart-view")!;
        Assert.Equal("/admin/dashboard", form.GetAttribute("action")); // without script, a plain GET of the page
        Assert.Equal("get", form.GetAttribute("method"));
        Assert.Equal("/admin/dashboard?handler=Cards", form.GetAttribute("hx-get"));
        Assert.Equal("#chart-view", page.QuerySelector("#dashboard-poll")!.GetAttribute("hx-include"));

        // The form's change: the cards, with the page's own address to push (not the handler's).
        const string view = "/admin/dashboard?handler=Cards&range=7d&service=video-api";
        var changed = new HttpRequestMessage(HttpMethod.Get, view);
        changed.Headers.Add("HX-Request", "true");
        changed.Headers.Add("HX-Trigger", "chart-view");
        var response = await browser.SendAsync(changed);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/admin/dashboard?range=7d&service=video-api", response.Headers.GetValues("HX-Push-Url").Single());
        var cards = await MonitorAppFactory.ParseAsync(response);
        Assert.Equal("Error rate, last 7 days — video-api", Text(cards, "#card-error-chart h2"));
        Assert.Equal("true", cards.QuerySelector("#card-error-chart")!.GetAttribute("hx-swap-oob"));

        // The poll (the same query, the form's fields included) keeps the view and pushes nothing, asked twice (within a second the
        // second answer may come from the cache, which never stored the pushing one).
        for (var i = 0; i < 2; i++)
        {
            var polled = await browser.HtmxGetAsync(view);
            Assert.False(polled.Headers.Contains("HX-Push-Url"));
            Assert.Equal("Error rate, last 7 days — video-api", Text(await MonitorAppFactory.ParseAsync(polled), "#card-error-chart h2"));
        }
    }

    [SkippableFact]
    public async Task ABadChartView_IsNamed_ThePageShowsTheDefault_AndARefreshGetsAProblem()
    {
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        var response = await browser.GetAsync("/admin/dashboard?range=30d&service=%3Cscript%3E");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await MonitorAppFactory.ParseAsync(response);
        var errors = page.QuerySelectorAll("#card-error-chart .error").Select(e => Squash(e.TextContent)).ToList();
        Assert.Contains(errors, e => e.StartsWith("range: '30d' is not a range of the chart: use 24h or 7d."));
        Assert.Contains(errors, e => e.StartsWith("service: '<script>' is not a service name"));
        Assert.Equal("Error rate, last 24 hours", Text(page, "#card-error-chart h2"));
        Assert.Equal("3", Text(page, "#active-count")); // every other card as always

        var refresh = await browser.HtmxGetAsync("/admin/dashboard?handler=Cards&range=1y");
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("application/problem+json", refresh.Content.Headers.ContentType!.MediaType);
        var problem = JsonNode.Parse(await refresh.Content.ReadAsStringAsync())!;
        Assert.StartsWith("'1y' is not a range", problem["errors"]!["range"]![0]!.GetValue<string>());
    }

    [SkippableFact]
    public async Task Polling_OneRequestEvery30s_ReturnsEveryCardForAnOutOfBandSwap_WithNewFigures()
    {
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));
        var poll = page.QuerySelector("#dashboard-poll")!;
        Assert.Equal("every 30s, refresh", poll.GetAttribute("hx-trigger"));
        Assert.Equal("/admin/dashboard?handler=Cards", poll.GetAttribute("hx-get"));
        Assert.Equal("none", poll.GetAttribute("hx-swap"));
        Assert.Equal("#refresh-indicator", poll.GetAttribute("hx-indicator"));
        var cardIds = page.QuerySelectorAll(".grid > section.card").Select(c => c.Id).ToList();

        await app.PostSessionEventsAsync(new { session_id = "s-4", type = "started", at = IsolatedApp.Iso(T0.AddMinutes(-1)), category = "Sleep", provider = "livekit" });
        await app.RefreshAsync();
        var response = await browser.HtmxGetAsync(poll.GetAttribute("hx-get")!);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var fragment = await MonitorAppFactory.ParseAsync(response);

        var swapped = fragment.QuerySelectorAll("section.card").ToList();
        Assert.Equal(cardIds, swapped.Select(c => c.Id).ToList());
        Assert.All(swapped, card => Assert.Equal("true", card.GetAttribute("hx-swap-oob")));
        Assert.Empty(fragment.QuerySelectorAll("header, #dashboard-poll")); // cards only, never the page around them
        Assert.Equal("4", Text(fragment, "#active-count"));
        Assert.Equal("Total 4", Row(fragment.QuerySelector("#card-categories tfoot tr")!));
        Assert.Empty(page.QuerySelectorAll(".grid > section.card[hx-swap-oob]")); // the first render swaps nothing
    }

    [SkippableFact]
    public async Task Refreshes_ReadTheSharedSnapshot_AndCheckTheSignInAtMostOnceEveryTenSeconds()
    {
        // A long snapshot interval, so that moving the clock below runs no snapshot inside the count.
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/dashboard")).StatusCode); // checks the sign-in

        using var counter = CommandCounter.For(app.Database.ConnectionString);
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await browser.HtmxGetAsync("/admin/dashboard?handler=Cards")).StatusCode);
        Assert.Equal(0, counter.Count); // no figure query, and the sign-in was checked a moment ago

        app.Time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 5; i++)
            Assert.Equal(HttpStatusCode.OK, (await browser.HtmxGetAsync("/admin/dashboard?handler=Cards")).StatusCode);
        Assert.Equal(1, counter.Count); // one primary-key lookup: is the sign-in still valid?
    }

    [SkippableFact]
    public async Task CardRefreshes_AreRenderedOncePerSnapshotAndSecond_ForEveryViewer_AndANewSnapshotShowsAtOnce()
    {
        var (app, monitor) = await SeededAsync(provider);
        await using var _ = app;
        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);

        // The output cache marks a copy it serves with an Age header; a fresh render has none.
        var first = await monitor.HtmxGetAsync("/admin/dashboard?handler=Cards");
        var second = await admin.HtmxGetAsync("/admin/dashboard?handler=Cards");
        Assert.False(first.Headers.Contains("Age"), "the first refresh of a snapshot must be rendered");
        Assert.True(second.Headers.Contains("Age"), "another viewer in the same second must get the rendered copy");
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal("3", Text(await MonitorAppFactory.ParseAsync(second), "#active-count"));

        // A new snapshot in the same second is shown at once.
        await app.PostSessionEventsAsync(new { session_id = "s-4", type = "started", at = IsolatedApp.Iso(T0.AddMinutes(-1)), category = "Sleep", provider = "livekit" });
        await app.RefreshAsync();
        var afterSnapshot = await monitor.HtmxGetAsync("/admin/dashboard?handler=Cards");
        Assert.False(afterSnapshot.Headers.Contains("Age"));
        Assert.Equal("4", Text(await MonitorAppFactory.ParseAsync(afterSnapshot), "#active-count"));

        // And the next second is rendered again (the cards show ages in seconds).
        app.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.False((await admin.HtmxGetAsync("/admin/dashboard?handler=Cards")).Headers.Contains("Age"));

        // The full page carries a viewer's own antiforgery token: never shared.
        Assert.False((await monitor.GetAsync("/admin/dashboard")).Headers.Contains("Age"));
        Assert.False((await monitor.GetAsync("/admin/dashboard")).Headers.Contains("Age"));
    }

    [SkippableFact]
    public async Task RefreshInterval_IsConfigurable()
    {
        var (app, browser) = await SeededAsync(provider, new() { ["Dashboard:RefreshSeconds"] = "10" });
        await using var _ = app;
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));
        Assert.Equal("every 10s, refresh", page.QuerySelector("#dashboard-poll")!.GetAttribute("hx-trigger"));
    }

    [SkippableFact]
    public async Task LiveCounter_IsWiredToTheEventStream_AndTheCspAllowsNoInlineCode()
    {
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        var response = await browser.GetAsync("/admin/dashboard");
        var page = await MonitorAppFactory.ParseAsync(response);

        var grid = page.QuerySelector(".grid")!;
        Assert.Equal("sse", grid.GetAttribute("hx-ext"));
        Assert.Equal("/admin/dashboard/stream", grid.GetAttribute("sse-connect"));
        Assert.Equal("active-sessions", page.QuerySelector("#active-count")!.GetAttribute("sse-swap"));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/lib/htmx-ext-sse/sse.min."));
        Assert.Contains(page.QuerySelectorAll("script[src]"), s => s.GetAttribute("src")!.StartsWith("/js/dashboard."));

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp);
        Assert.Contains("style-src 'self';", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.All(page.QuerySelectorAll("script"), s => Assert.True(s.HasAttribute("src"), $"inline script: {s.OuterHtml}"));
        Assert.Empty(page.QuerySelectorAll("style, [style]"));
        Assert.DoesNotContain(page.All.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on") || a.Name.StartsWith("hx-on"));

        var config = JsonDocument.Parse(page.QuerySelector("meta[name=htmx-config]")!.GetAttribute("content")!).RootElement;
        Assert.True(config.GetProperty("selfRequestsOnly").GetBoolean());
        Assert.False(config.GetProperty("includeIndicatorStyles").GetBoolean()); // htmx would add an inline <style>
        Assert.False(config.GetProperty("allowEval").GetBoolean());
        Assert.Equal("RequestVerificationToken", config.GetProperty("antiForgery").GetProperty("headerName").GetString());
    }

    [SkippableFact]
    public async Task PollingWithAnExpiredSignIn_Gets401AndHxRedirect_NotALoginFormInACard()
    {
        // Moving the clock 13 h fires every periodic timer for each period it skips: keep the snapshot's rare.
        var (app, browser) = await SeededAsync(provider);
        await using var _ = app;
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/admin/dashboard")).StatusCode);

        app.Time.Advance(TimeSpan.FromHours(13)); // the sign-in lasts 12 h
        var response = await browser.HtmxGetAsync("/admin/dashboard?handler=Cards");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fadmin%2Fdashboard", response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [SkippableFact]
    public async Task Dashboard_ForContentManager_IsTheAccessDeniedPage_AndHomeSendsMonitorsToTheDashboard()
    {
        var (app, monitor) = await SeededAsync(provider);
        await using var _ = app;
        var content = await app.App.CreateClientAsAsync(Roles.ContentManager);
        var denied = await content.GetAsync("/admin/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        Assert.Contains("/access-denied", denied.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Forbidden, (await content.GetAsync(denied.Headers.Location)).StatusCode);
        var refused = await content.HtmxGetAsync("/admin/dashboard?handler=Cards");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("", await refused.Content.ReadAsStringAsync());

        Assert.Equal("/admin/dashboard", (await monitor.GetAsync("/")).Headers.Location!.OriginalString);
        Assert.Equal("/login", (await app.App.CreateBrowserClient().GetAsync("/")).Headers.Location!.OriginalString);
    }

    [SkippableFact]
    public async Task Header_ShowsNameRoleSignOutAndApiDocs_AndAdminLinksOnlyForSuperAdmin()
    {
        var (app, monitor) = await SeededAsync(provider);
        await using var _ = app;
        var monitorPage = await MonitorAppFactory.ParseAsync(await monitor.GetAsync("/admin/dashboard"));
        Assert.Contains("SYSTEM_MONITOR", Text(monitorPage, ".site-header .who"));
        Assert.NotNull(monitorPage.QuerySelector(".site-header form[action='/logout'][method=post] input[name=__RequestVerificationToken]"));
        Assert.NotNull(monitorPage.QuerySelector(".site-header a[href='/docs/']")); // the interactive reference
        Assert.Null(monitorPage.QuerySelector(".site-header a[href='/admin/users']"));

        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);
        var adminPage = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/dashboard"));
        Assert.NotNull(adminPage.QuerySelector(".site-header a[href='/admin/users']"));
        Assert.NotNull(adminPage.QuerySelector(".site-header a[href='/admin/tokens']"));
        Assert.NotNull(adminPage.QuerySelector(".site-header a[href='/admin/audit']"));
        Assert.Null(monitorPage.QuerySelector(".site-header a[href='/admin/audit']"));
    }
}

public sealed class SqliteDashboardPageTests() : DashboardPageTests(DatabaseProvider.Sqlite);

public sealed class PostgresDashboardPageTests() : DashboardPageTests(DatabaseProvider.Postgres);
