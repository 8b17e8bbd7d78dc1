namespace MonitorApp.Quality;

/// <summary>What a stats window may hold: its directions, kinds and bounds.</summary>
public static class WindowStatsRules
{
    public const string Send = "send";
    public const string Receive = "receive";
    public static readonly string[] Directions = [Send, Receive];
    public static readonly string[] Kinds = ["audio", "video"];
    public const int MaxWindowSeconds = 300;
    public const int MaxProviderLevelLength = 32;

    /// <summary>A round trip or jitter past a minute is no call any more: refused as a measuring error.</summary>
    public const double MaxDelayMs = 60_000;
}
