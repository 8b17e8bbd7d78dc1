using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace MonitorApp.Kernel;

public enum VideoProvider { DailyCo, LiveKit, BeyondPresence, Other }

public enum ConnectionQuality { Poor = 1, Fair = 2, Good = 3, Excellent = 4 }

/// <summary>
/// The snake_case names these values have on the wire and in the database, in one place so the API,
/// the storage and the pages cannot drift apart.
/// </summary>
public static class WireNames
{
    private static readonly Dictionary<VideoProvider, string> Providers = new()
    {
        [VideoProvider.DailyCo] = "daily_co",
        [VideoProvider.LiveKit] = "livekit",
        [VideoProvider.BeyondPresence] = "beyond_presence",
        [VideoProvider.Other] = "other",
    };

    private static readonly Dictionary<ConnectionQuality, string> Qualities = new()
    {
        [ConnectionQuality.Excellent] = "excellent",
        [ConnectionQuality.Good] = "good",
        [ConnectionQuality.Fair] = "fair",
        [ConnectionQuality.Poor] = "poor",
    };

    public static IReadOnlyCollection<string> ProviderNames => Providers.Values;
    public static IReadOnlyCollection<string> QualityNames => Qualities.Values;

    public static string Name(this VideoProvider provider) => Providers[provider];
    public static string Name(this ConnectionQuality quality) => Qualities[quality];

    public static bool TryParseProvider(string? value, out VideoProvider provider) => TryParse(Providers, value, out provider);
    public static bool TryParseQuality(string? value, out ConnectionQuality quality) => TryParse(Qualities, value, out quality);

    private static bool TryParse<T>(Dictionary<T, string> names, string? value, out T result) where T : struct, Enum
    {
        foreach (var (key, name) in names)
        {
            if (name == value)
            {
                result = key;
                return true;
            }
        }
        result = default;
        return false;
    }

    internal static readonly ValueConverter<VideoProvider, string> ProviderConverter = new(
        v => Providers[v],
        v => ParseOrThrow<VideoProvider>(Providers, v));

    internal static readonly ValueConverter<ConnectionQuality, string> QualityConverter = new(
        v => Qualities[v],
        v => ParseOrThrow<ConnectionQuality>(Qualities, v));

    private static T ParseOrThrow<T>(Dictionary<T, string> names, string value) where T : struct, Enum =>
        TryParse(names, value, out var result) ? result : throw new InvalidOperationException($"Unknown stored value '{value}' for {typeof(T).Name}.");
}
