using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MonitorApp.Auth;
using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// The dashboard. The first GET renders every card; then one request each refresh
/// (<c>?handler=Cards</c>) returns the same card partials, each swapped into place out of band.
/// Everything is read from the latest snapshot: a refresh costs no queries.
/// </summary>
[Authorize(Policy = Policies.Monitor)]
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = CardsCachePolicy.Name)]
public sealed class IndexModel(
    MetricsSnapshotService snapshots,
    TimeProvider time,
    IOptions<HealthOptions> health,
    IOptions<DashboardOptions> dashboard,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : PageModel
{
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

    /// <summary>Chart data, serialized exactly as the JSON API serializes it.</summary>
    public string QualityChartJson => JsonSerializer.Serialize(Sessions, json.Value.SerializerOptions);
    public string ErrorChartJson => JsonSerializer.Serialize(ErrorRate, json.Value.SerializerOptions);

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnGetCardsAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        Oob = true;
        Response.Headers.CacheControl = "no-store";
        return Partial("_Cards", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Snapshot = await snapshots.GetAsync(cancellationToken);
        Now = time.GetUtcNow().UtcDateTime;
        Sessions = MetricsApi.ToSessions(Snapshot, SessionsWindow);
        ErrorRate = MetricsApi.ToErrorRate(Snapshot, ChartHours, Thresholds);
    }
}
