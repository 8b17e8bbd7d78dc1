namespace MonitorApp.Metrics;

public sealed record CurrentMetrics(
    long? ActiveSessionsCount,
    string AvgConnectionQuality,
    double ErrorRateLastHour,
    double? ApiResponseTimeP95,
    int? DbPoolActive,
    int? DbPoolSize,
    string SystemHealth,
    int? DbPoolIdle,
    int? DbPoolPending,
    double? DbPoolWaitP95Ms,
    string DbProvider,
    IReadOnlyList<string> HealthReasons,
    long RequestsLastHour,
    DateTime GeneratedAt,
    bool Stale,
    double StaleSeconds,
    string? StaleReason,
    IReadOnlyDictionary<string, string> Unknown);
