namespace MonitorApp.Metrics;

/// <summary>One service's figures over a window; <c>level</c> is healthy, degraded or critical on the health thresholds.</summary>
public sealed record ServiceMetrics(string Service, long Requests, long Errors, double? ErrorRate, double? P95Ms, string Level);
