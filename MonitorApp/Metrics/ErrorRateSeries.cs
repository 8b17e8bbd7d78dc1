namespace MonitorApp.Metrics;

public sealed record ErrorRateSeries(int Hours, IReadOnlyList<ErrorRatePoint> Points, ErrorRateThresholds Thresholds, DateTime GeneratedAt, bool Stale);
