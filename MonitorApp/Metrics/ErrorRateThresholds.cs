namespace MonitorApp.Metrics;

public sealed record ErrorRateThresholds(double ErrorRateDegraded, double ErrorRateCritical, double P95DegradedMs, double P95CriticalMs);
