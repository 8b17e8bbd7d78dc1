using System.Runtime.InteropServices;
using MonitorApp.Web;

namespace MonitorApp.Tests.Web;

/// <summary>
/// When the app gives memory back: only once a burst is over, never during steady traffic. What it gives back is a
/// figure of the benchmark (BENCHMARKS.md, resident memory after the ingestion load), not of a test.
/// </summary>
public class IdleMemoryTrimTests
{
    private const long Mb = 1024 * 1024;

    [SkippableFact]
    public void ABurstThenAQuietInterval_TrimsOnce_AndNotAgainUntilTheNextBurst()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        Assert.False(decision.ShouldTrim(total += 300 * Mb)); // the burst itself: still busy
        Assert.False(decision.ShouldTrim(total += 200 * Mb));
        Assert.True(decision.ShouldTrim(total += 1 * Mb)); // quiet: give back
        Assert.False(decision.ShouldTrim(total += 1 * Mb)); // already given back
        Assert.False(decision.ShouldTrim(total += 1 * Mb));

        Assert.False(decision.ShouldTrim(total += 100 * Mb)); // a burst built of several intervals …
        Assert.False(decision.ShouldTrim(total += 100 * Mb));
        Assert.False(decision.ShouldTrim(total += 30 * Mb)); // … tapering off …
        Assert.False(decision.ShouldTrim(total += 100 * Mb));
        Assert.True(decision.ShouldTrim(total += 0)); // … counts as one once it is over
    }

    [SkippableTheory]
    [InlineData(5)]   // light: every interval quiet
    [InlineData(20)]  // moderate: never quiet, never busy
    [InlineData(200)] // heavy: busy every interval, never quiet
    public void SteadyTraffic_NeverTrims_HoweverMuchItAllocatesInTheEnd(int mbPerInterval)
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var interval = 0; interval < 10_000; interval++)
            Assert.False(decision.ShouldTrim(total += mbPerInterval * Mb));
    }

    [SkippableFact]
    public void TrafficHoveringAroundTheQuietLine_NeverTrims()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var round = 0; round < 1_000; round++)
        {
            for (var busy = 0; busy < 13; busy++)
                Assert.False(decision.ShouldTrim(total += 20 * Mb));
            Assert.False(decision.ShouldTrim(total += 15 * Mb));
        }
    }

    [SkippableFact]
    public void BusyIntervalsShortOfABurst_DoNotTrim_AndDoNotAddUpAcrossAQuietOne()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var round = 0; round < 100; round++)
        {
            Assert.False(decision.ShouldTrim(total += 200 * Mb));
            Assert.False(decision.ShouldTrim(total += 1 * Mb));
        }
    }

    [SkippableFact]
    public void Trim_FindsMallocTrim_InGlibc()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && !RuntimeInformation.RuntimeIdentifier.Contains("musl"), "malloc_trim is glibc's (Linux, not musl)");
        Assert.NotNull(IdleMemoryTrim.Trim()); // null: the native half silently did nothing (library or entry point not found)
    }
}
