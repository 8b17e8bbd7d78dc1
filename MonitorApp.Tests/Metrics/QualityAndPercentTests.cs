using MonitorApp.Metrics;
using MonitorApp.Telemetry;

namespace MonitorApp.Tests.Metrics;

public sealed class QualityAndPercentTests
{
    private static Dictionary<string, long> Counts(long excellent, long good, long fair, long poor) =>
        new() { ["excellent"] = excellent, ["good"] = good, ["fair"] = fair, ["poor"] = poor };

    [SkippableTheory]
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

    [SkippableFact]
    public void Average_WithoutReports_IsUnknown()
    {
        Assert.Equal("unknown", QualityScale.Average(Counts(0, 0, 0, 0)));
    }

    [SkippableFact]
    public void Percentages_OfThirds_SumToExactlyOneHundred()
    {
        var percent = Percentages.OneDecimal(Counts(1, 1, 1, 0));
        Assert.Equal(100.0, percent.Values.Sum(), 9);
        Assert.Equal([33.4, 33.3, 33.3, 0.0], new[] { percent["excellent"], percent["fair"], percent["good"], percent["poor"] }.OrderByDescending(v => v));
    }

    [SkippableFact]
    public void Percentages_WhenEmpty_AreAllZero()
    {
        Assert.All(Percentages.OneDecimal(Counts(0, 0, 0, 0)).Values, v => Assert.Equal(0, v));
    }
}
