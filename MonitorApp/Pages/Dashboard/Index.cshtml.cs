using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts;
using MonitorApp.Alerts.Channels;
using MonitorApp.Auth;
using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// The dashboard. The first GET renders every card; then one request each refresh
/// (<c>?handler=Cards</c>) returns the same card partials, each swapped into place out of band.
/// Everything is read from the latest snapshot (the services card from figures read once per snapshot and shared):
/// a refresh costs no queries of its own.
/// </summary>
[Authorize(Policy = Policies.Monitor)]
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = CardsCachePolicy.Name)]
public sealed class IndexModel(
    MetricsSnapshotService snapshots,
    TimeProvider time,
    IOptions<HealthOptions> health,
    IOptions<DashboardOptions> dashboard,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    AlertBoard alertBoard,
    AlertChannels channels,
    IOptions<AlertsOptions> alerts,
    ServiceFigures serviceFigures,
    Quality.QualityFigures qualityFigures) : PageModel
{
    /// <summary>How many services the card lists (worst first); the API has them all.</summary>
    public const int MaxServiceRows = 8;

    /// <summary>Each service's last hour, worst first.</summary>
    public IReadOnlyList<ServiceRow> Services { get; private set; } = [];
    /// <summary>Why the services are not known (they could not be read yet).</summary>
    public string? ServicesUnknown { get; private set; }

    /// <summary>Each provider's measured quality over the last hour, worst first.</summary>
    public IReadOnlyList<Quality.ProviderQuality> QualityByProvider { get; private set; } = [];
    public string? QualityByProviderUnknown { get; private set; }

    /// <summary>The window of the distribution and category cards.</summary>
    public static readonly string SessionsWindow = MetricsWindow.Day.Name();

    /// <summary>The id of the error-rate chart's view form; the poll includes its fields, so a refresh keeps the view.</summary>
    public const string ChartViewFormId = "chart-view";

    /// <summary>
    /// The error-rate chart's view, from the URL (<c>?range=24h|7d&amp;service=…</c>), so a link reproduces it. A value that is
    /// not one is named in <see cref="ChartViewErrors"/> and the default stands in for it.
    /// </summary>
    [BindProperty(Name = "range", SupportsGet = true)]
    public string? RangeParameter { get; set; }
    [BindProperty(Name = "service", SupportsGet = true)]
    public string? ServiceParameter { get; set; }
    /// <summary>The chart's ranges: a day or a week of hours (the snapshot keeps <see cref="MetricsSnapshotService.MaxHours"/>).</summary>
    public static readonly MetricsWindow[] ChartRanges = [MetricsWindow.Day, MetricsWindow.Week];
    public MetricsWindow Range { get; private set; } = MetricsWindow.Day;
    /// <summary>The one service the chart shows, or null for every service together.</summary>
    public string? ChartService { get; private set; }
    public Dictionary<string, string[]> ChartViewErrors { get; } = [];
    /// <summary>The services the filter offers: those with requests in the last 24 hours, and the one shown.</summary>
    public IReadOnlyList<string> ServiceChoices { get; private set; } = [];
    /// <summary>Why the chosen service's hours are not shown (they could not be read yet).</summary>
    public string? ChartUnknown { get; private set; }

    public MetricsSnapshot Snapshot { get; private set; } = null!;
    public DateTime Now { get; private set; }
    public HealthOptions Thresholds => health.Value;
    public int RefreshSeconds => dashboard.Value.RefreshSeconds;
    /// <summary>True when rendering a refresh: each card is swapped out of band.</summary>
    public bool Oob { get; private set; }

    /// <summary>The same records the JSON endpoints return, built once per request from the snapshot.</summary>
    public SessionMetrics Sessions { get; private set; } = null!;
    public ErrorRateSeries ErrorRate { get; private set; } = null!;
    public TimeSpan Age => Snapshot.AgeAt(Now);

    /// <summary>
    /// <c>?kiosk=1</c>: the wall screen — no header or navigation, the cards that matter at a distance sized to fill the
    /// screen, large type, the time of the figures always shown, and a full-screen banner when they are stale or a refresh fails.
    /// </summary>
    [BindProperty(Name = "kiosk", SupportsGet = true)]
    public string? KioskParameter { get; set; }
    public bool Kiosk => KioskParameter is "1" or "true";

    public AlertBoardView Alerts { get; private set; } = AlertBoardView.NotReadYet;
    public int EvaluateSeconds => alerts.Value.EvaluateSeconds;
    public int ChannelCount => channels.Names.Count();
    public bool AlertRuleEnabled(string rule) => alerts.Value.Rule(rule).Enabled;
    /// <summary>A signed-in SUPER_ADMIN sees a silence form beside each alert (the cached cards vary by it).</summary>
    public bool CanSilence => CardsCachePolicy.CanSilence(User);
    /// <summary>Why the silence just asked for was not created.</summary>
    public Dictionary<string, string[]>? SilenceErrors { get; private set; }

    /// <summary>Chart data, serialized exactly as the JSON API serializes it.</summary>
    public string QualityChartJson => JsonSerializer.Serialize(Sessions, json.Value.SerializerOptions);
    public string ErrorChartJson => JsonSerializer.Serialize(ErrorRate, json.Value.SerializerOptions);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ViewData["Kiosk"] = Kiosk;
        ReadChartView();
        if (ChartViewErrors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest; // the page still shows, the chart card says which value was refused
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetCardsAsync(CancellationToken cancellationToken)
    {
        ReadChartView();
        if (ChartViewErrors.Count > 0)
            return new ObjectResult(new ValidationProblemDetails(ChartViewErrors)
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The chart's view is not valid.",
            })
            { StatusCode = StatusCodes.Status400BadRequest, ContentTypes = { "application/problem+json" } };
        await LoadAsync(cancellationToken);
        Oob = true;
        Response.Headers.CacheControl = "no-store";
        if (Request.Headers["HX-Trigger"] == ChartViewFormId)
            Response.Headers["HX-Push-Url"] = PageUrl(Range, ChartService);
        return Partial("_Cards", this);
    }

    /// <summary>The wall screen's refresh: the cards, in the chart's view its address asked for.</summary>
    public string PollUrl() => Url.Page("Index", "Cards", ViewValues(Range, ChartService))!;

    /// <summary>The dashboard's own address for a chart view (defaults left out), as a link to it or the browser's history has it.</summary>
    public string PageUrl(MetricsWindow range, string? service) => Url.Page("Index", ViewValues(range, service))!;

    private object ViewValues(MetricsWindow range, string? service) =>
        new { kiosk = Kiosk ? "1" : null, range = range == MetricsWindow.Day ? null : range.Name(), service };

    /// <summary>The silence form of the alerts card (htmx, antiforgery header from the page): answers with the cards.</summary>
    public async Task<IActionResult> OnPostSilenceAsync(string? rule, string? subject, int? durationMinutes, string? comment,
        [FromServices] Data.MonitorDbContext db, CancellationToken cancellationToken)
    {
        if (!CanSilence)
            return Forbid();
        ReadChartView(); // the chart's view came along with the form: the cards answered keep it
        var request = new SilenceRequest(rule, durationMinutes, comment, string.IsNullOrEmpty(subject) ? null : subject);
        var errors = Silences.Validate(request);
        if (errors.Count == 0)
        {
            await Silences.CreateAsync(db, request, User.Identity?.Name ?? "unknown", time.GetUtcNow().UtcDateTime, cancellationToken);
            await alertBoard.RefreshAsync(cancellationToken);
        }
        else
        {
            SilenceErrors = errors;
        }
        await LoadAsync(cancellationToken);
        Oob = true;
        Response.Headers.CacheControl = "no-store";
        return Partial("_Cards", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Alerts = alertBoard.Current;
        Snapshot = await snapshots.GetAsync(cancellationToken);
        Now = time.GetUtcNow().UtcDateTime;
        Sessions = MetricsApi.ToSessions(Snapshot, SessionsWindow);
        await LoadChartAsync(cancellationToken);
        if (Kiosk)
            return; // the wall screen shows neither breakdown nor the chart's controls: nothing more to read
        // Never read yet and the database down: that card says so; every other card still shows the snapshot.
        (Services, ServicesUnknown) = await ReadAsync(async () => (await serviceFigures.ByServiceAsync(MetricsWindow.Hour, cancellationToken)).Rows, () => []);
        (QualityByProvider, QualityByProviderUnknown) = await ReadAsync(async () => (await qualityFigures.ByProviderAsync(MetricsWindow.Hour, cancellationToken)).Providers, () => []);
        var (lastDay, _) = await ReadAsync(async () => (await serviceFigures.ByServiceAsync(MetricsWindow.Day, cancellationToken)).Rows, () => []);
        ServiceChoices = lastDay.Select(r => r.Service).Append(ChartService).OfType<string>()
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>A figure read outside the snapshot, or what <paramref name="none"/> gives with the reason when the database cannot give it.</summary>
    private static async Task<(T Value, string? Unknown)> ReadAsync<T>(Func<Task<T>> read, Func<T> none)
    {
        try
        {
            return (await read(), null);
        }
        catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            return (none(), DatabaseUnreachableException.Reason);
        }
    }

    private void ReadChartView()
    {
        if (RangeParameter is { Length: > 0 } range)
        {
            if (MetricsWindows.TryParse(range, ChartRanges, out var window))
                Range = window;
            else
                ChartViewErrors["range"] = [$"'{range}' is not a range of the chart: use {MetricsWindows.Choices(ChartRanges)}."];
        }
        if (ServiceParameter?.Trim() is { Length: > 0 } service)
        {
            if (ServiceFigures.NameProblem(service) is { } problem)
                ChartViewErrors["service"] = [problem];
            else
                ChartService = service;
        }
    }

    private async Task LoadChartAsync(CancellationToken cancellationToken)
    {
        var hours = (int)Range.Length().TotalHours;
        // The platform's own series is the snapshot's; one service's is unknown when never read and the database is down.
        (ErrorRate, ChartUnknown) = await ReadAsync(() => serviceFigures.ErrorRateAsync(ChartService, hours, Alerts.FiringHours, cancellationToken),
            () => MetricsApi.ToErrorRate(Snapshot, hours, Thresholds, null) with { Points = [] });
    }
}
