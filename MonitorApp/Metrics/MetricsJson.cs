namespace MonitorApp.Metrics;

/// <summary>The snapshot's figures as the JSON API and the dashboard's charts carry them (rounded as the contract says).</summary>
public static class MetricsJson
{
    public static CurrentMetrics ToCurrent(MetricsSnapshot s, DateTime now) => new(
        s.ActiveSessions,
        s.AvgConnectionQuality,
        Math.Round(s.ErrorRateLastHour, 6),
        Round1(s.ApiResponseTimeP95),
        s.DbPool.Active,
        s.DbPool.Size,
        s.Health.Level.Name(),
        s.DbPool.Idle,
        s.DbPool.Pending,
        Round1(s.DbPool.WaitP95Ms),
        s.DbPool.Provider,
        s.Health.Reasons,
        s.RequestsLastHour,
        s.GeneratedAt,
        s.Stale,
        Math.Round(s.AgeAt(now).TotalSeconds, 1),
        s.StaleReason,
        s.Unknown);

    /// <summary>The sessions figures of one window (1h, 24h, 7d, 30d), as the API and the dashboard's charts carry them.</summary>
    public static SessionMetrics ToSessions(MetricsSnapshot s, string window)
    {
        var figures = s.Windows[MetricsWindows.ByName[window]];
        return new SessionMetrics(window, figures.TotalSessions, figures.ByCategory, figures.QualityPercent, figures.QualityCounts, s.GeneratedAt, s.Stale);
    }

    /// <summary>
    /// The last <paramref name="hours"/> hourly points with the thresholds, as the API and the dashboard's chart carry them;
    /// a point whose hour is in <paramref name="alertHours"/> saw an alert fire.
    /// </summary>
    public static ErrorRateSeries ToErrorRate(MetricsSnapshot s, int hours, HealthOptions t, IReadOnlySet<DateTime>? alertHours = null)
    {
        var points = s.Hourly.TakeLast(hours)
            .Select(p => new ErrorRatePoint(p.Hour, p.Requests, p.Errors, p.ErrorRate is { } r ? Math.Round(r, 6) : null, Round1(p.P95Ms),
                p.ErrorRate is { } rate ? HealthEvaluator.ErrorRateLevel(rate, t).Name() : null, alertHours?.Contains(p.Hour) == true))
            .ToList();
        return new ErrorRateSeries(hours, points, new ErrorRateThresholds(t.ErrorRateDegraded, t.ErrorRateCritical, t.P95DegradedMs, t.P95CriticalMs), s.GeneratedAt, s.Stale);
    }

    public static double? Round1(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
