namespace MonitorApp.Kernel;

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
