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
    ServiceFigures serviceFigures) : PageModel
{
    /// <summary>How many services the card lists (worst first); the API has them all.</summary>
    public const int MaxServiceRows = 8;

    /// <summary>Each service's last hour, worst first.</summary>
    public IReadOnlyList<ServiceRow> Services { get; private set; } = [];
    /// <summary>Why the services are not known (they could not be read yet).</summary>
    public string? ServicesUnknown { get; private set; }

    /// <summary>The window of the distribution and category cards.</summary>
    public static readonly string SessionsWindow = MetricsWindow.Day.Name();
    public const int ChartHours = 24;

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
        await LoadAsync(cancellationToken);
    }

    public async Task<IActionResult> OnGetCardsAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Oob = true;
        Response.Headers.CacheControl = "no-store";
        return Partial("_Cards", this);
    }

    /// <summary>The silence form of the alerts card (htmx, antiforgery header from the page): answers with the cards.</summary>
    public async Task<IActionResult> OnPostSilenceAsync(string? rule, string? service, int? durationMinutes, string? comment,
        [FromServices] Data.MonitorDbContext db, CancellationToken cancellationToken)
    {
        if (!CanSilence)
            return Forbid();
        var request = new SilenceRequest(rule, durationMinutes, comment, string.IsNullOrEmpty(service) ? null : service);
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
        try
        {
            Services = (await serviceFigures.ByServiceAsync(lastDay: false, cancellationToken)).Rows;
            ServicesUnknown = null;
        }
        catch (Exception ex) when (Web.DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            // Never read yet and the database is down: the card says so; every other card still shows the snapshot.
            Services = [];
            ServicesUnknown = "database unreachable";
        }
        Now = time.GetUtcNow().UtcDateTime;
        Sessions = MetricsApi.ToSessions(Snapshot, SessionsWindow);
        ErrorRate = MetricsApi.ToErrorRate(Snapshot, ChartHours, Thresholds, Alerts.FiringHours);
    }
}
