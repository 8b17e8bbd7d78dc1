using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The last hour's 95th percentile response time of all services, against the health thresholds.</summary>
public sealed record P95Card(double? P95Ms, string? Unknown, HealthLevel? Level, double DegradedAboveMs, double CriticalAboveMs)
{
    public string Tone => Level is { } level ? Format.Tone(level.Name()) : FigureNames.Unknown;
    public string Shown => P95Ms is { } p ? Format.Ms(p) : FigureNames.Unknown;

    public static P95Card From(DashboardView view)
    {
        var (s, t) = (view.Snapshot, view.Thresholds);
        return new(s.ApiResponseTimeP95, s.Unknown.GetValueOrDefault(FigureNames.ApiResponseTimeP95),
            s.ApiResponseTimeP95 is { } p ? HealthEvaluator.P95Level(p, t) : null, t.P95DegradedMs, t.P95CriticalMs);
    }
}
