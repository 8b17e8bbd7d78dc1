namespace MonitorApp.Kernel;

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
