namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The platform-reported connection quality of the sessions heard from in the last hour.</summary>
public sealed record AverageQualityCard(string Level, long Reporting, string? Unknown)
{
    public string Tone => Format.Tone(Level);

    public static AverageQualityCard From(DashboardView view)
    {
        var s = view.Snapshot;
        return new(s.AvgConnectionQuality, s.Windows[MetricsWindow.Hour].QualityCounts.Values.Sum(), s.Unknown.GetValueOrDefault(FigureNames.AvgConnectionQuality));
    }
}
