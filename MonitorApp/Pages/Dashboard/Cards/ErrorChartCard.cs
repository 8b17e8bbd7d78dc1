using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>
/// The hourly error rate over the chart's range (all services or one), with the thresholds, the hours above them and those in
/// which an alert fired; its data serialized exactly as the JSON API serializes it.
/// </summary>
public sealed record ErrorChartCard(ChartView View, ErrorRateSeries Series, string? Unknown, double DegradedAbove, bool Kiosk, string ChartJson)
{
    /// <summary>How many hours a sentence lists before it says how many there are.</summary>
    public const int Listed = 12;

    public bool Week => View.Range == MetricsWindow.Week;
    public string Span => Week ? "7 days" : "24 hours";
    public string Whose => View.Service is { } name ? $" — {name}" : "";
    public IReadOnlyList<ErrorRatePoint> Above => Series.Points.Where(p => p.Level is "degraded" or "critical").ToList();
    public IReadOnlyList<ErrorRatePoint> Alerted => Series.Points.Where(p => p.AlertFired).ToList();

    /// <summary>A day's hours are named by the hour; a week's by day and hour.</summary>
    public string HourName(DateTime hour) =>
        hour.ToString(Week ? "ddd dd MMM HH" : "HH", System.Globalization.CultureInfo.InvariantCulture) + ":00 UTC";

    public static string Hours<T>(IReadOnlyList<T> hours, Func<T, string> name) =>
        hours.Count <= Listed ? string.Join(", ", hours.Select(name))
            : $"{hours.Count} hours, the last {Listed}: " + string.Join(", ", hours.TakeLast(Listed).Select(name));

    public static ErrorChartCard From(DashboardView view) => new(view.Chart, view.ErrorRate, view.ChartUnknown,
        view.Thresholds.ErrorRateDegraded, view.Kiosk, System.Text.Json.JsonSerializer.Serialize(view.ErrorRate, view.Json));
}
