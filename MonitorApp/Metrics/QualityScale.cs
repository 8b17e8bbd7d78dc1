using MonitorApp.Sessions;

namespace MonitorApp.Metrics;

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
            return "unknown";
        var mean = sum / n;
        return mean >= 3.5 ? "excellent" : mean >= 2.5 ? "good" : mean >= 1.5 ? "fair" : "poor";
    }
}

public static class Percentages
{
    /// <summary>
    /// Percentages with one decimal that sum to exactly 100 (largest remainder), or all 0 when there is
    /// nothing to count; plain rounding can give 99.9 or 100.1.
    /// </summary>
    public static IReadOnlyDictionary<string, double> OneDecimal(IReadOnlyDictionary<string, long> counts)
    {
        var total = counts.Values.Sum();
        if (total == 0)
            return counts.ToDictionary(kv => kv.Key, _ => 0.0);
        var tenths = counts.ToDictionary(kv => kv.Key, kv => kv.Value * 1000L / total);
        var remainders = counts.ToDictionary(kv => kv.Key, kv => kv.Value * 1000L % total);
        var missing = 1000L - tenths.Values.Sum();
        foreach (var key in remainders.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take((int)missing).Select(kv => kv.Key))
            tenths[key]++;
        return tenths.ToDictionary(kv => kv.Key, kv => kv.Value / 10.0);
    }
}
