using MonitorApp.Metrics;
using MonitorApp.Telemetry;

namespace MonitorApp.Tests.Telemetry;

public sealed class LatencyHistogramTests
{
    private static long[] Buckets(IEnumerable<double> durationsMs)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (var d in durationsMs)
            counts[LatencyHistogram.BucketOf(d)]++;
        return counts;
    }

    [SkippableFact]
    public void P95_InterpolatesInsideTheBucketHoldingTheRank()
    {
        // 90 fast requests (20 ms, bucket 10–25) and 10 slow ones (600 ms, bucket 500–750):
        // rank 95 is the 5th of 10 in 500–750, so 500 + 250 × 5/10 = 625.
        var counts = Buckets([.. Enumerable.Repeat(20.0, 90), .. Enumerable.Repeat(600.0, 10)]);
        Assert.Equal(625, LatencyHistogram.Quantile(counts, 0.95));
        // The median sits in 10–25: 10 + 15 × 50/90.
        Assert.Equal(10 + 15 * 50.0 / 90, LatencyHistogram.Quantile(counts, 0.5)!.Value, 9);
    }

    [SkippableFact]
    public void P95_InTheFirstBucket_InterpolatesFromZero()
    {
        Assert.Equal(4.75, LatencyHistogram.Quantile(Buckets(Enumerable.Repeat(3.0, 100)), 0.95));
    }

    [SkippableFact]
    public void P95_InTheOpenEndedBucket_IsTheHighestFiniteBound()
    {
        Assert.Equal(10_000, LatencyHistogram.Quantile(Buckets(Enumerable.Repeat(60_000.0, 10)), 0.95));
    }

    [SkippableFact]
    public void P95_WithoutObservations_IsUnknown()
    {
        Assert.Null(LatencyHistogram.Quantile(new long[LatencyHistogram.BucketCount], 0.95));
    }

    [SkippableTheory]
    [InlineData(0, 0)]
    [InlineData(5, 0)]
    [InlineData(5.001, 1)]
    [InlineData(500, 7)]
    [InlineData(500.5, 8)]
    [InlineData(1000, 9)]
    [InlineData(10_000, 13)]
    [InlineData(10_000.1, 14)]
    public void Bucket_BoundsAreInclusiveUpperBounds(double ms, int bucket)
    {
        Assert.Equal(bucket, LatencyHistogram.BucketOf(ms));
    }
}
