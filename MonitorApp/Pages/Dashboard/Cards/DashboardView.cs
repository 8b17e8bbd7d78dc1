using MonitorApp.Alerts;
using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>
/// Everything one render of the dashboard shows, read once: the snapshot, the alert board, the figures read beside the snapshot
/// (each with the reason it is unknown), and the chart's view. Each card's model is built from it (<c>XxxCard.From(view)</c>),
/// so a card can be rendered — and tested — from a view built by hand. <see cref="Json"/>: the API's serializer options (charts
/// carry their data exactly as the JSON API does).
/// </summary>
public sealed record DashboardView(
    MetricsSnapshot Snapshot,
    DateTime Now,
    HealthOptions Thresholds,
    AlertBoardView Alerts,
    AlertsPolicy AlertsPolicy,
    ChartView Chart,
    ErrorRateSeries ErrorRate,
    string? ChartUnknown,
    IReadOnlyList<ServiceRow> Services,
    string? ServicesUnknown,
    IReadOnlyList<ProviderQuality> QualityByProvider,
    string? QualityByProviderUnknown,
    bool Kiosk,
    System.Text.Json.JsonSerializerOptions Json)
{
    /// <summary>The window of the distribution and category cards.</summary>
    public static readonly MetricsWindow SessionsWindow = MetricsWindow.Day;

    public TimeSpan Age => Snapshot.AgeAt(Now);

    /// <summary>The sessions figures of <see cref="SessionsWindow"/>, as the JSON API carries them.</summary>
    public SessionMetrics Sessions => MetricsJson.ToSessions(Snapshot, SessionsWindow.Name());

    /// <summary>A provider's display name, as its probe configuration names it (its wire name when not probed).</summary>
    public string ProviderName(string provider) =>
        Snapshot.ExternalServices.FirstOrDefault(e => e.Name == provider)?.DisplayName ?? provider;
}
