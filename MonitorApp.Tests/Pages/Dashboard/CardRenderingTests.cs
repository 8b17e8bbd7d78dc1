using Microsoft.Extensions.DependencyInjection;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Routing;
using MonitorApp.Alerts;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Pages.Dashboard;
using MonitorApp.Pages.Dashboard.Cards;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Pages.Dashboard;

/// <summary>
/// A card is a unit (issue 27): its model is built from a <see cref="DashboardView"/> made here by hand — no database, no
/// request — and its partial renders that model alone. Each test asserts the figures and words a viewer reads.
/// </summary>
public sealed class CardRenderingTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly DateTime Now = new(2026, 3, 10, 14, 0, 30, DateTimeKind.Utc);

    private static MetricsSnapshot Snapshot(HealthVerdict health, double? p95 = 640, long? active = 12, bool stale = false,
        IReadOnlyDictionary<string, string>? unknown = null) => new(
        GeneratedAt: Now.AddSeconds(-30), Stale: stale, StaleReason: stale ? "database unreachable" : null, ActiveSessions: active,
        AvgConnectionQuality: "good", RequestsLastHour: 200, ErrorsLastHour: 9, ErrorRateLastHour: 0.045, ApiResponseTimeP95: p95,
        DbPool: new DbPoolReading(DbPoolReading.Sqlite, 1, null, null, null, 3.5, 10, new Dictionary<string, string>()),
        Windows: Enum.GetValues<MetricsWindow>().ToDictionary(w => w, _ => new SessionWindowFigures(0, new Dictionary<string, long>(),
            new Dictionary<string, long>(), new Dictionary<string, double>())),
        Hourly: [], ExternalServices: [], Health: health, Unknown: unknown ?? new Dictionary<string, string>());

    private static DashboardView View(MetricsSnapshot snapshot, IReadOnlyList<ServiceRow>? services = null, AlertBoardView? alerts = null) => new(
        snapshot, Now, new HealthOptions(), alerts ?? AlertBoardView.NotReadYet, new AlertsPolicy(8, 15, 2, CanSilence: false),
        ChartView.Default((range, service) => $"/admin/dashboard?range={range.Name()}&service={service}"),
        new ErrorRateSeries(24, [], new ErrorRateThresholds(0.01, 0.05, 500, 1000), snapshot.GeneratedAt, snapshot.Stale), null,
        services ?? [], null, [], null, Kiosk: false, System.Text.Json.JsonSerializerOptions.Web);

    /// <summary>Renders one card's partial with its model, as the page would inside a refresh (<paramref name="oob"/>) or not.</summary>
    private async Task<AngleSharp.Dom.IElement> RenderAsync(string partial, object model, bool oob = false)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var http = new DefaultHttpContext { RequestServices = services };
        var action = new ActionContext(http, new RouteData(), new ActionDescriptor());
        var found = services.GetRequiredService<IRazorViewEngine>().GetView(null, $"/Pages/Dashboard/{partial}.cshtml", isMainPage: false);
        Assert.True(found.Success, $"{partial} not found");
        var viewData = new ViewDataDictionary<object>(services.GetRequiredService<IModelMetadataProvider>(), new ModelStateDictionary()) { Model = model };
        viewData[DashboardCardTagHelper.OobKey] = oob;
        await using var writer = new StringWriter();
        var context = new ViewContext(action, found.View, viewData, new TempDataDictionary(http, services.GetRequiredService<ITempDataProvider>()),
            writer, new HtmlHelperOptions());
        await found.View.RenderAsync(context);
        var document = new HtmlParser().ParseDocument(writer.ToString());
        return document.QuerySelector("section.card") ?? throw new Xunit.Sdk.XunitException("no card rendered:\n" + writer);
    }

    private static string Words(AngleSharp.Dom.IElement element) => string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [SkippableFact]
    public async Task TheHealthCard_LeadsWithTheVerdict_ItsReasons_AndHowOldAndWhyStale()
    {
        var view = View(Snapshot(new HealthVerdict(HealthLevel.Degraded, ["p95 640 ms is above 500 ms"]), stale: true));
        var card = await RenderAsync("_HealthCard", HealthCard.From(view));

        Assert.Equal("card-health", card.Id);
        Assert.Contains("card-headline", card.ClassList);
        Assert.Null(card.GetAttribute("hx-swap-oob"));
        var verdict = card.QuerySelector(".verdict")!;
        Assert.Contains("status-warn", verdict.ClassList);
        Assert.Equal("▲ Degraded", Words(verdict));
        Assert.Equal(["p95 640 ms is above 500 ms"], card.QuerySelectorAll(".reasons li").Select(Words));
        Assert.Equal("— stale, 30 s old: database unreachable", Words(card.QuerySelector(".stale")!));
    }

    [SkippableFact]
    public async Task InARefresh_TheCardIsSwappedOutOfBand()
    {
        var card = await RenderAsync("_HealthCard", HealthCard.From(View(Snapshot(new HealthVerdict(HealthLevel.Healthy, [])))), oob: true);
        Assert.Equal("true", card.GetAttribute("hx-swap-oob"));
        Assert.Equal("Every figure is within its thresholds.", Words(card.QuerySelector("p.muted")!));
    }

    [SkippableFact]
    public async Task TheP95Card_ShowsTheFigureAtItsLevel_OrUnknownWithTheReason()
    {
        var known = await RenderAsync("_P95Card", P95Card.From(View(Snapshot(new HealthVerdict(HealthLevel.Degraded, []), p95: 640))));
        Assert.Equal("640 ms", Words(known.QuerySelector(".big")!));
        Assert.Contains("status-warn", known.QuerySelector(".big")!.ClassList);
        Assert.Contains("Degraded above 500 ms, critical above 1000 ms.", Words(known));

        var unknown = await RenderAsync("_P95Card", P95Card.From(View(Snapshot(new HealthVerdict(HealthLevel.Healthy, []), p95: null,
            unknown: new Dictionary<string, string> { [FigureNames.ApiResponseTimeP95] = "no request in the last hour" }))));
        Assert.Equal(FigureNames.Unknown, Words(unknown.QuerySelector(".big")!));
        Assert.Equal("no request in the last hour", Words(unknown.QuerySelector(".reason")!));
    }

    [SkippableFact]
    public async Task TheServicesCard_ListsTheWorstEight_EachLinkedToItsChart_AndCountsTheRest()
    {
        var rows = Enumerable.Range(1, 10).Select(i => new ServiceRow($"svc-{i:00}", 100 * i, i, i / 100.0, 10.0 * i, i > 5 ? HealthLevel.Critical : HealthLevel.Healthy)).ToList();
        var card = await RenderAsync("_ServicesCard", ServicesCard.From(View(Snapshot(new HealthVerdict(HealthLevel.Healthy, [])), services: rows)));

        var shown = card.QuerySelectorAll("tbody tr").ToList();
        Assert.Equal(ServicesCard.MaxRows, shown.Count);
        Assert.Equal("svc-01 100 1 % 10 ms healthy", Words(shown[0]));
        Assert.Equal("/admin/dashboard?range=24h&service=svc-01", shown[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("2 more in GET /api/admin/metrics/services.", Words(card.QuerySelector("p.muted")!));
    }

    [SkippableFact]
    public async Task TheAlertsCard_WritesEachAlertsFigureInItsRulesUnit()
    {
        AlertView Alert(string rule, double value) => new(rule, "", AlertState.Firing, "degraded", Now.AddMinutes(-5), Now.AddMinutes(-4), null,
            value, null, "over the threshold", rule, null, Notified: true);
        var board = AlertBoardView.NotReadYet with { ReadAt = Now, Alerts = [Alert(AlertRules.P95Degraded, 640), Alert(AlertRules.ErrorRateCritical, 0.0725), Alert(AlertRules.DatabaseUnreachable, 1)] };
        var card = await RenderAsync("_AlertsCard", AlertsCard.From(View(Snapshot(new HealthVerdict(HealthLevel.Critical, [])), alerts: board)));

        var values = card.QuerySelectorAll("tbody tr").ToDictionary(r => r.GetAttribute("data-alert")!, r => Words(r.QuerySelector("td.num")!));
        Assert.Equal("640 ms", values[AlertRules.P95Degraded]);
        Assert.Equal("7.25 %", values[AlertRules.ErrorRateCritical]);
        Assert.Equal("—", values[AlertRules.DatabaseUnreachable]);
        Assert.All(card.QuerySelectorAll("tbody tr"), r => Assert.Contains("Sent to 2 channel(s)", Words(r)));
    }

    [SkippableFact]
    public async Task TheActiveSessionsCard_SaysWhyTheCountIsUnknown()
    {
        var card = await RenderAsync("_ActiveSessionsCard", ActiveSessionsCard.From(View(Snapshot(new HealthVerdict(HealthLevel.Healthy, []), active: null,
            unknown: new Dictionary<string, string> { [FigureNames.ActiveSessions] = DatabaseUnreachableException.Reason }))));
        Assert.Equal(FigureNames.Unknown, Words(card.QuerySelector("#active-count")!));
        Assert.Equal(DatabaseUnreachableException.Reason, Words(card.QuerySelector(".reason")!));
    }

    [SkippableFact]
    public void EveryCardInTheList_HasItsPartial_AndAUniqueId()
    {
        var root = Path.Combine(Repository.Root, "MonitorApp", "Pages", "Dashboard");
        Assert.All(DashboardCards.All, c => Assert.True(File.Exists(Path.Combine(root, c.Partial + ".cshtml")), c.Partial));
        Assert.Equal(DashboardCards.All.Count, DashboardCards.All.Select(c => c.Id).Distinct().Count());
    }
}
