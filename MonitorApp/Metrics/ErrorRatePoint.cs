namespace MonitorApp.Metrics;

/// <summary><see cref="Level"/>: where the hour's error rate stands against the thresholds (null without requests).</summary>
public sealed record ErrorRatePoint(DateTime Hour, long Requests, long Errors, double? ErrorRate, double? P95Ms, string? Level, bool AlertFired = false);
