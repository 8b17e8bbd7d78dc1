namespace MonitorApp.Telemetry;

/// <summary>Rollup sums added together, with the two figures every consumer derives from them.</summary>
public sealed record RollupTotals(long Requests, long Errors5xx, long[] Buckets)
{
    public static readonly RollupTotals Empty = new(0, 0, new long[LatencyHistogram.BucketCount]);

    public static RollupTotals Of(IEnumerable<RollupSums> rows) => Add(rows.Select(r => (r.Requests, r.Errors5xx, r.Buckets)));

    /// <summary>Totals added together (every service's into the platform's).</summary>
    public static RollupTotals Of(IEnumerable<RollupTotals> parts) => Add(parts.Select(p => (p.Requests, p.Errors5xx, p.Buckets)));

    private static RollupTotals Add(IEnumerable<(long Requests, long Errors5xx, long[] Buckets)> parts)
    {
        long requests = 0, errors = 0;
        var buckets = new long[LatencyHistogram.BucketCount];
        foreach (var part in parts)
        {
            requests += part.Requests;
            errors += part.Errors5xx;
            for (var i = 0; i < buckets.Length; i++)
                buckets[i] += part.Buckets[i];
        }
        return new RollupTotals(requests, errors, buckets);
    }

    /// <summary>Share of requests with status ≥ 500; null without requests.</summary>
    public double? ErrorRate => Requests == 0 ? null : (double)Errors5xx / Requests;

    public double? P95Ms => LatencyHistogram.Quantile(Buckets, 0.95);
}
