using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The last hour's 5xx share of all services, against the health thresholds (no level without a request).</summary>
public sealed record ErrorRateCard(double ErrorRate, long Errors, long Requests, string? Unknown, HealthLevel? Level, double DegradedAbove, double CriticalAbove)
{
    public string Tone => Level is { } level ? Format.Tone(level.Name()) : FigureNames.Unknown;

    public static ErrorRateCard From(DashboardView view)
    {
        var (s, t) = (view.Snapshot, view.Thresholds);
        return new(s.ErrorRateLastHour, s.ErrorsLastHour, s.RequestsLastHour, s.Unknown.GetValueOrDefault(FigureNames.ErrorRateLastHour),
            s.RequestsLastHour == 0 ? null : HealthEvaluator.ErrorRateLevel(s.ErrorRateLastHour, t), t.ErrorRateDegraded, t.ErrorRateCritical);
    }
}
