namespace MonitorApp.Metrics;

public sealed record ServicesMetrics(string Window, DateTime GeneratedAt, bool Stale, IReadOnlyList<ServiceMetrics> Services);
