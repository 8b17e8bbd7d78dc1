using MonitorApp.ExternalServices;

namespace MonitorApp.Metrics;

// The values index the per-window count arrays the snapshot builds.
public enum MetricsWindow { Hour = 0, Day = 1, Week = 2, Month = 3 }

public static class MetricsWindows
{
    /// <summary>The longest window (30d): what must be kept, at least, for every figure to be computed.</summary>
    public const int LongestDays = 30;

    /// <summary>Every window once: its name in URLs and JSON, and its length.</summary>
    private static readonly (MetricsWindow Window, string Name, TimeSpan Length)[] Table =
    [
        (MetricsWindow.Hour, "1h", TimeSpan.FromHours(1)),
        (MetricsWindow.Day, "24h", TimeSpan.FromDays(1)),
        (MetricsWindow.Week, "7d", TimeSpan.FromDays(7)),
        (MetricsWindow.Month, "30d", TimeSpan.FromDays(LongestDays)),
    ];

    public static readonly IReadOnlyDictionary<string, MetricsWindow> ByName = Table.ToDictionary(w => w.Name, w => w.Window);

    /// <summary>"1h, 24h, 7d, 30d", for messages.</summary>
    public static readonly string Names = string.Join(", ", Table.Select(w => w.Name));

    public static string Name(this MetricsWindow window) => Table[(int)window].Name;

    /// <summary>The window <paramref name="name"/> names, when it is one of <paramref name="allowed"/>.</summary>
    public static bool TryParse(string name, IReadOnlyCollection<MetricsWindow> allowed, out MetricsWindow window) =>
        ByName.TryGetValue(name, out window) && allowed.Contains(window);

    /// <summary>"1h, 24h or 7d", for a message naming what a parameter accepts.</summary>
    public static string Choices(IReadOnlyList<MetricsWindow> allowed) =>
        allowed.Count == 1 ? allowed[0].Name() : $"{string.Join(", ", allowed.SkipLast(1).Select(w => w.Name()))} or {allowed[^1].Name()}";

    public static TimeSpan Length(this MetricsWindow window) => Table[(int)window].Length;
}

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
