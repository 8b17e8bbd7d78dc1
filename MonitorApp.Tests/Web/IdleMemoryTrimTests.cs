using MonitorApp.Web;

namespace MonitorApp.Tests.Web;

/// <summary>
/// When the app gives memory back: only once a burst is over, never during steady traffic. What it gives back is a
/// figure of the benchmark (BENCHMARKS.md, resident memory after the ingestion load), not of a test.
/// </summary>
public class IdleMemoryTrimTests
{
    private const long Mb = 1024 * 1024;

    [Fact]
    public void ABurstThenAQuietInterval_TrimsOnce_AndNotAgainUntilTheNextBurst()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        Assert.False(decision.After(total += 300 * Mb)); // the burst itself: still busy
        Assert.False(decision.After(total += 200 * Mb));
        Assert.True(decision.After(total += 1 * Mb)); // quiet: give back
        Assert.False(decision.After(total += 1 * Mb)); // already given back
        Assert.False(decision.After(total += 1 * Mb));

        Assert.False(decision.After(total += 100 * Mb)); // a burst built of several intervals …
        Assert.False(decision.After(total += 100 * Mb));
        Assert.False(decision.After(total += 100 * Mb));
        Assert.True(decision.After(total += 0)); // … counts as one once it is over
    }

    [Fact]
    public void SteadyTraffic_NeverTrims_HoweverMuchItAllocatesInTheEnd()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var interval = 0; interval < 10_000; interval++) // 200 GB at 20 MB per 5 s: busy every interval
            Assert.False(decision.After(total += 20 * Mb));
    }

    [Fact]
    public void LightTraffic_NeverTrims_HoweverMuchItAllocatesInTheEnd()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var interval = 0; interval < 10_000; interval++) // 50 GB at 5 MB per 5 s: quiet every interval
            Assert.False(decision.After(total += 5 * Mb));
    }

    [Fact]
    public void BusyIntervalsShortOfABurst_DoNotTrim_AndDoNotAddUpAcrossAQuietOne()
    {
        var total = 0L;
        var decision = new TrimDecision(total);
        for (var round = 0; round < 100; round++)
        {
            Assert.False(decision.After(total += 200 * Mb));
            Assert.False(decision.After(total += 1 * Mb));
        }
    }

    [Fact]
    public void Trim_CollectsEverything_AndReturnsFreeNativePages_OnThisLinux()
    {
        var fullCollections = GC.CollectionCount(GC.MaxGeneration);
        Assert.True(IdleMemoryTrim.Trim(), "malloc_trim should be found in glibc (Debian)");
        Assert.True(GC.CollectionCount(GC.MaxGeneration) > fullCollections);
    }
}
