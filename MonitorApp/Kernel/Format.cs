using System.Globalization;

namespace MonitorApp.Kernel;

/// <summary>
/// How figures read as text — in health reasons, probe details and on the dashboard alike (invariant
/// culture, so the page, the API and their tests agree).
/// </summary>
public static class Format
{
    /// <summary>A figure in its unit (a share as a percentage, milliseconds as such); "—" without a value or a unit.</summary>
    public static string Figure(FigureUnit unit, double? value) => (unit, value) switch
    {
        (FigureUnit.Share, { } v) => Percent(v),
        (FigureUnit.Milliseconds, { } v) => Ms(v),
        _ => "—",
    };

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Count(long value) => value.ToString("N0", C);

    /// <summary>A fraction as a percentage: 0.0235 → "2.35 %".</summary>
    public static string Percent(double fraction) => (fraction * 100).ToString("0.##", C) + " %";

    public static string Ms(double ms) => ms.ToString("0.#", C) + " ms";

    /// <summary>An instant for a <c>&lt;time datetime&gt;</c> attribute: HTML allows at most three fractional digits ("O" writes seven).</summary>
    public static string Machine(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", C);

    public static string Clock(DateTime utc) => utc.ToString("HH:mm:ss", C) + " UTC";

    public static string DateTimeUtc(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", C) + " UTC";

    public static string Age(TimeSpan age) =>
        age.TotalSeconds < 90 ? $"{Math.Max(0, (int)age.TotalSeconds)} s"
        : age.TotalMinutes < 90 ? $"{(int)age.TotalMinutes} min"
        : age.TotalHours < 48 ? $"{(int)age.TotalHours} h"
        : $"{(int)age.TotalDays} d";

    public static string Capitalized(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    /// <summary>CSS tone of a status word: ok, warn, bad or unknown.</summary>
    public static string Tone(string status) => status switch
    {
        "healthy" or "operational" or "excellent" or "good" => "ok",
        "degraded" or "fair" => "warn",
        "critical" or "down" or "poor" => "bad",
        _ => FigureNames.Unknown,
    };

    /// <summary>A symbol that says the same as the colour, for those who cannot tell the colours apart.</summary>
    public static string Symbol(string tone) => tone switch
    {
        "ok" => "●",
        "warn" => "▲",
        "bad" => "■",
        _ => "?",
    };
}
