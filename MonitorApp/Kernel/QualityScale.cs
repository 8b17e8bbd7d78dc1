
namespace MonitorApp.Kernel;

public static class QualityScale
{
    /// <summary>
    /// Mean of excellent 4, good 3, fair 2, poor 1, mapped back: ≥ 3.5 excellent, ≥ 2.5 good, ≥ 1.5 fair,
    /// else poor; "unknown" without any report (never a made-up default).
    /// </summary>
    public static string Average(IReadOnlyDictionary<string, long> countsByLevel)
    {
        long n = 0;
        double sum = 0;
        foreach (var (name, count) in countsByLevel)
        {
            if (!WireNames.TryParseQuality(name, out var quality))
                continue;
            n += count;
            sum += (int)quality * (double)count;
        }
        if (n == 0)
            return FigureNames.Unknown;
        var mean = sum / n;
        return mean >= 3.5 ? "excellent" : mean >= 2.5 ? "good" : mean >= 1.5 ? "fair" : "poor";
    }
}
