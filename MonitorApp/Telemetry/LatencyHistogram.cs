namespace MonitorApp.Telemetry;

/// <summary>
/// Fixed latency buckets (upper bounds in ms, inclusive) and the quantile estimate Prometheus'
/// <c>histogram_quantile</c> makes: linear interpolation inside the bucket that holds the rank.
/// The bounds fall exactly on the health thresholds (500 ms, 1000 ms), so a threshold crossing is
/// never blurred by interpolation.
/// </summary>
public static class LatencyHistogram
{
    /// <summary>The one list of buckets: the rollup columns, their sums and the quantile all derive from it.</summary>
    public static readonly double[] UpperBoundsMs = [5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000, double.PositiveInfinity];

    public static int BucketCount => UpperBoundsMs.Length;

    public static int BucketOf(double durationMs)
    {
        for (var i = 0; i < UpperBoundsMs.Length - 1; i++)
        {
            if (durationMs <= UpperBoundsMs[i])
                return i;
        }
        return UpperBoundsMs.Length - 1;
    }

    /// <summary>The <paramref name="q"/> quantile in ms, or null when there are no observations.</summary>
    public static double? Quantile(IReadOnlyList<long> counts, double q)
    {
        if (counts.Count != UpperBoundsMs.Length)
            throw new ArgumentException($"Expected {UpperBoundsMs.Length} bucket counts.", nameof(counts));
        var total = counts.Sum();
        if (total == 0)
            return null;

        var rank = q * total;
        long cumulative = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            var before = cumulative;
            cumulative += counts[i];
            if (cumulative < rank || counts[i] == 0)
                continue;
            var lower = i == 0 ? 0 : UpperBoundsMs[i - 1];
            // Like Prometheus: a rank in the open-ended bucket is reported as the highest finite bound.
            if (double.IsPositiveInfinity(UpperBoundsMs[i]))
                return lower;
            return lower + (UpperBoundsMs[i] - lower) * (rank - before) / counts[i];
        }
        return UpperBoundsMs[^2];
    }
}

/// <summary>One latency bucket as stored: the rollup's property and column that count it.</summary>
public sealed record LatencyBucket(double UpperBoundMs, string Property, string Column)
{
    /// <summary>In <see cref="LatencyHistogram.UpperBoundsMs"/> order: Le5/le5 … Le10000/le10000, LeInf/le_inf.</summary>
    public static readonly IReadOnlyList<LatencyBucket> All = LatencyHistogram.UpperBoundsMs
        .Select(bound => double.IsPositiveInfinity(bound)
            ? new LatencyBucket(bound, "LeInf", "le_inf")
            : new LatencyBucket(bound, $"Le{bound:0}", $"le{bound:0}"))
        .ToList();
}
