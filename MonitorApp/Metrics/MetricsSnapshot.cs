using MonitorApp.Data;
using MonitorApp.ExternalServices;

namespace MonitorApp.Metrics;

// The values index the per-window count arrays the snapshot builds.

/// <summary>Sessions figures for one window.</summary>
public sealed record SessionWindowFigures(
    long TotalSessions,
    IReadOnlyDictionary<string, long> ByCategory,
    IReadOnlyDictionary<string, long> QualityCounts,
    IReadOnlyDictionary<string, double> QualityPercent);

public sealed record HourPoint(DateTime Hour, long Requests, long Errors, double? ErrorRate, double? P95Ms);

/// <summary>
/// Every figure the dashboard and the API show, computed together at one instant. Null figures are
/// unknown; <see cref="Unknown"/> says why. <see cref="ServicesLastHour"/>: each service's last hour, worst first, whose sum is
/// the platform's figures (null: never read, the database down since the start).
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
    double? ApiResponseTimeP95,
    DbPoolReading DbPool,
    IReadOnlyDictionary<MetricsWindow, SessionWindowFigures> Windows,
    IReadOnlyList<HourPoint> Hourly,
    IReadOnlyList<ExternalServiceFigures> ExternalServices,
    HealthVerdict Health,
    IReadOnlyDictionary<string, string> Unknown,
    IReadOnlyList<ServiceRow>? ServicesLastHour = null)
{
    /// <summary>How old the figures are at <paramref name="now"/> (never negative).</summary>
    public TimeSpan AgeAt(DateTime now) => now > GeneratedAt ? now - GeneratedAt : TimeSpan.Zero;
}
