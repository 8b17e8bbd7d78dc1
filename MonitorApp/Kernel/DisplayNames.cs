using System.Globalization;
using System.Text;

namespace MonitorApp.Kernel;

/// <summary>
/// Names that senders choose and every operator then reads — counselor categories, service names: letters
/// (any script), digits, spaces and <c>. _ -</c>, 1 to 100 characters. That leaves out control characters (a
/// NUL byte once reached PostgreSQL and became a 500), bidirectional overrides (which can make one name look
/// like another on the dashboard) and broken UTF-16.
/// </summary>
public static class DisplayNames
{
    public const int MaxLength = 100;

    /// <summary>Null when <paramref name="name"/> (already trimmed) is acceptable, else why not, for a ProblemDetails.</summary>
    public static string? Problem(string name)
    {
        if (name.Length is 0 or > MaxLength)
            return $"must be 1 to {MaxLength} characters.";
        var position = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            // A lone surrogate comes out of EnumerateRunes as U+FFFD, which is not a letter.
            if (!Rune.IsLetter(rune) && !Rune.IsDigit(rune) && rune.Value is not (' ' or '.' or '_' or '-'))
            {
                var shown = rune == Rune.ReplacementChar && !name.Contains('\uFFFD') ? "a broken UTF-16 surrogate" : $"U+{rune.Value:X4}";
                return $"may contain only letters, digits, spaces and . _ - (found {shown} at position {position.ToString(CultureInfo.InvariantCulture)}).";
            }
            position += rune.Utf16SequenceLength;
        }
        return null;
    }

    /// <summary>
    /// Null when free text (a comment) is acceptable: any printable text, but no control character, bidirectional
    /// override or broken UTF-16 — else why not.
    /// </summary>
    public static string? TextProblem(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsControl(rune) || rune.Value is >= 0x202A and <= 0x202E or >= 0x2066 and <= 0x2069
                || (rune == Rune.ReplacementChar && !text.Contains('\uFFFD')))
                return rune == Rune.ReplacementChar ? "holds a broken UTF-16 surrogate." : $"holds a control or bidirectional character (U+{rune.Value:X4}).";
        }
        return null;
    }
}
