namespace MonitorApp.Telemetry;

/// <summary>Rollup sums added together, with the two figures every consumer derives from them.</summary>
public sealed record RollupTotals(long Requests, long Errors5xx, long[] Buckets)
{
    public static readonly RollupTotals Empty = new(0, 0, new long[LatencyHistogram.BucketCount]);

    public static RollupTotals Of(IEnumerable<RollupSums> rows)
    {
        long requests = 0, errors = 0;
        var buckets = new long[LatencyHistogram.BucketCount];
        foreach (var row in rows)
        {
            requests += row.Requests;
            errors += row.Errors5xx;
            var b = row.Buckets;
            for (var i = 0; i < buckets.Length; i++)
                buckets[i] += b[i];
        }
        return new RollupTotals(requests, errors, buckets);
    }

    /// <summary>Share of requests with status ≥ 500; null without requests.</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)Errors5xx / Requests;

    public double? P95Ms => LatencyHistogram.Quantile(Buckets, 0.95);
}
