using MonitorApp.ExternalServices;

namespace MonitorApp.Metrics;

// The values index the per-window count arrays the snapshot builds.
public enum MetricsWindow { Hour = 0, Day = 1, Week = 2, Month = 3 }

public static class MetricsWindows
{
    public static readonly IReadOnlyDictionary<string, MetricsWindow> ByName = new Dictionary<string, MetricsWindow>
    {
        ["1h"] = MetricsWindow.Hour,
        ["24h"] = MetricsWindow.Day,
        ["7d"] = MetricsWindow.Week,
        ["30d"] = MetricsWindow.Month,
    };

    public static TimeSpan Length(this MetricsWindow window) => window switch
    {
        MetricsWindow.Hour => TimeSpan.FromHours(1),
        MetricsWindow.Day => TimeSpan.FromDays(1),
        MetricsWindow.Week => TimeSpan.FromDays(7),
        _ => TimeSpan.FromDays(30),
    };
}

/// <summary>Sessions figures for one window.</summary>
public sealed record SessionWindowFigures(
    long TotalSessions,
    IReadOnlyDictionary<string, long> ByCategory,
    IReadOnlyDictionary<string, long> QualityCounts,
    IReadOnlyDictionary<string, double> QualityPercent);

public sealed record HourPoint(DateTime Hour, long Requests, long Errors, double? ErrorRate, double? P95Ms);

/// <summary>
/// Every figure the dashboard and the API show, computed together at one instant. Null figures are
/// unknown; <see cref="Unknown"/> says why.
/// </summary>
public sealed record MetricsSnapshot(
    DateTime GeneratedAt,
    bool Stale,
    string? StaleReason,
    long? ActiveSessions,
    string AvgConnectionQuality,
    long RequestsLastHour,
    long ErrorsLastHour,
    double ErrorRateLastHour,
    double? P95MsLastHour,
    DbPoolReading DbPool,
    IReadOnlyDictionary<MetricsWindow, SessionWindowFigures> Windows,
    IReadOnlyList<HourPoint> Hourly,
    IReadOnlyList<ExternalServiceFigures> ExternalServices,
    HealthVerdict Health,
    IReadOnlyDictionary<string, string> Unknown)
{
    /// <summary>How old the figures are at <paramref name="now"/> (never negative).</summary>
    public TimeSpan AgeAt(DateTime now) => now > GeneratedAt ? now - GeneratedAt : TimeSpan.Zero;
}
