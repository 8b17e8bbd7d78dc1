namespace MonitorApp.Kernel;

/// <summary>
/// The figures' names as the JSON API spells them: the keys of a snapshot's <c>Unknown</c> reasons, read by
/// the cards and the API alike.
/// </summary>
public static class FigureNames
{
    public const string ActiveSessions = "active_sessions_count";
    public const string AvgConnectionQuality = "avg_connection_quality";
    public const string ErrorRateLastHour = "error_rate_last_hour";
    public const string ApiResponseTimeP95 = "api_response_time_p95";
    public const string DbPoolIdle = "db_pool_idle";
    public const string DbPoolSize = "db_pool_size";
    public const string DbPoolPending = "db_pool_pending";
    public const string DbPoolWaitP95Ms = "db_pool_wait_p95_ms";

    /// <summary>What a figure that cannot be measured now is shown as; its reason goes beside it.</summary>
    public const string Unknown = "unknown";
}
