namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>
/// The error-rate chart's view as the address asked for it: its range, the one service shown (null: all), what the filter
/// offers, what was refused (the default stands in), and the dashboard's own address for any view (links keep it).
/// </summary>
public sealed record ChartView(
    MetricsWindow Range,
    string? Service,
    IReadOnlyList<string> ServiceChoices,
    IReadOnlyDictionary<string, string[]> Errors,
    Func<MetricsWindow, string?, string> PageUrl)
{
    /// <summary>The id of the chart's view form; the poll includes its fields, so a refresh keeps the view.</summary>
    public const string FormId = "chart-view";

    /// <summary>The chart's ranges: a day or a week of hours (the snapshot keeps <see cref="Metrics.MetricsSnapshotService.MaxHours"/>).</summary>
    public static readonly MetricsWindow[] Ranges = [MetricsWindow.Day, MetricsWindow.Week];

    public static ChartView Default(Func<MetricsWindow, string?, string> pageUrl) => new(MetricsWindow.Day, null, [], new Dictionary<string, string[]>(), pageUrl);
}
