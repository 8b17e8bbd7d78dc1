namespace MonitorApp.Metrics;

public sealed record SessionMetrics(
    string Window,
    long TotalSessions,
    IReadOnlyDictionary<string, long> SessionsByCategory,
    IReadOnlyDictionary<string, double> ConnectionQualityDistribution,
    IReadOnlyDictionary<string, long> ConnectionQualityCounts,
    DateTime GeneratedAt,
    bool Stale);
