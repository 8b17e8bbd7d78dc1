using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The last 24 hours' sessions by reported connection quality: a doughnut (its data as the JSON API has it) and a table.</summary>
public sealed record QualityDistributionCard(SessionMetrics Sessions, string ChartJson)
{
    public long Total => Sessions.ConnectionQualityCounts.Values.Sum();

    public static QualityDistributionCard From(DashboardView view)
    {
        var sessions = view.Sessions;
        return new(sessions, System.Text.Json.JsonSerializer.Serialize(sessions, view.Json));
    }
}
