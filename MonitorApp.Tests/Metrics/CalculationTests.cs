using MonitorApp.Metrics;
using MonitorApp.Telemetry;

namespace MonitorApp.Tests.Metrics;

public sealed class LatencyHistogramTests
{
    private static long[] Buckets(IEnumerable<double> durationsMs)
    {
        var counts = new long[LatencyHistogram.BucketCount];
        foreach (var d in durationsMs)
            counts[LatencyHistogram.BucketOf(d)]++;
        return counts;
    }

    [Fact]
    public void P95_InterpolatesInsideTheBucketHoldingTheRank()
    {
        // 90 fast requests (20 ms, bucket 10–25) and 10 slow ones (600 ms, bucket 500–750):
        // rank 95 is the 5th of 10 in 500–750, so 500 + 250 × 5/10 = 625.
        var counts = Buckets([.. Enumerable.Repeat(20.0, 90), .. Enumerable.Repeat(600.0, 10)]);
        Assert.Equal(625, LatencyHistogram.Quantile(counts, 0.95));
        // The median sits in 10–25: 10 + 15 × 50/90.
        Assert.Equal(10 + 15 * 50.0 / 90, LatencyHistogram.Quantile(counts, 0.5)!.Value, 9);
    }

    [Fact]
    public void P95_InTheFirstBucket_InterpolatesFromZero()
    {
        Assert.Equal(4.75, LatencyHistogram.Quantile(Buckets(Enumerable.Repeat(3.0, 100)), 0.95));
    }

    [Fact]
    public void P95_InTheOpenEndedBucket_IsTheHighestFiniteBound()
    {
        Assert.Equal(10_000, LatencyHistogram.Quantile(Buckets(Enumerable.Repeat(60_000.0, 10)), 0.95));
    }

    [Fact]
    public void P95_WithoutObservations_IsUnknown()
    {
        Assert.Null(LatencyHistogram.Quantile(new long[LatencyHistogram.BucketCount], 0.95));
    }

    [Theory]
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

public sealed class QualityAndPercentTests
{
    private static Dictionary<string, long> Counts(long excellent, long good, long fair, long poor) =>
        new() { ["excellent"] = excellent, ["good"] = good, ["fair"] = fair, ["poor"] = poor };

    [Theory]
    [InlineData(1, 1, 0, 0, "excellent")] // 3.5
    [InlineData(0, 1, 1, 0, "good")]      // 2.5
    [InlineData(0, 0, 1, 1, "fair")]      // 1.5
    [InlineData(0, 0, 1, 2, "poor")]      // 1.33
    [InlineData(1, 0, 0, 3, "fair")]      // 1.75
    [InlineData(2, 1, 1, 0, "good")]      // 3.25
    [InlineData(0, 0, 0, 5, "poor")]      // 1
    public void Average_MapsTheMeanToALevel(long e, long g, long f, long p, string expected)
    {
        Assert.Equal(expected, QualityScale.Average(Counts(e, g, f, p)));
    }

    [Fact]
    public void Average_WithoutReports_IsUnknown()
    {
        Assert.Equal("unknown", QualityScale.Average(Counts(0, 0, 0, 0)));
    }

    [Fact]
    public void Percentages_OfThirds_SumToExactlyOneHundred()
    {
        var percent = Percentages.OneDecimal(Counts(1, 1, 1, 0));
        Assert.Equal(100.0, percent.Values.Sum(), 9);
        Assert.Equal([33.4, 33.3, 33.3, 0.0], new[] { percent["excellent"], percent["fair"], percent["good"], percent["poor"] }.OrderByDescending(v => v));
    }

    [Fact]
    public void Percentages_WhenEmpty_AreAllZero()
    {
        Assert.All(Percentages.OneDecimal(Counts(0, 0, 0, 0)).Values, v => Assert.Equal(0, v));
    }
}
