using System.Runtime.InteropServices;

namespace MonitorApp.Web;

/// <summary>
/// Gives back what a burst of work left committed, once the burst is over. An ingestion load allocates gigabytes in
/// seconds; the garbage collector keeps the regions it committed for it, and glibc the pages its arenas grew by, until
/// a later collection happens to need less — which in a quiet process may never come (measured: 250 MB resident after
/// 500,000 events where 14 MB were live). After a burst followed by a quiet interval (<see cref="TrimDecision"/>), one
/// aggressive, compacting collection returns the free regions and <c>malloc_trim</c> the free native pages.
/// Steady traffic, light or heavy, never triggers it.
/// It watches the real process on the real clock (not the injected TimeProvider: a test's fake clock says nothing about memory).
/// </summary>
public sealed class IdleMemoryTrim(ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        var decision = new TrimDecision(GC.GetTotalAllocatedBytes());
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!decision.After(GC.GetTotalAllocatedBytes()))
                    continue;
                var before = Environment.WorkingSet;
                var native = Trim();
                logger.LogDebug("A burst is over: resident {Before} MB → {After} MB (native pages trimmed: {Native})",
                    before >> 20, Environment.WorkingSet >> 20, native);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// An aggressive, compacting full collection (free regions decommitted), then glibc's free pages back to the system.
    /// Returns whether the native part ran (false off Linux, or on a C library without <c>malloc_trim</c>, e.g. musl).
    /// </summary>
    public static bool Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
            return false;
        try
        {
            MallocTrim(0);
            return true;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}

/// <summary>
/// When to trim: in the first quiet interval (under <see cref="QuietBytes"/> allocated) after a burst — a run of busy
/// intervals that allocated <see cref="BurstBytes"/> or more in all. Light traffic (every interval quiet) and heavy steady
/// traffic (none quiet) never trim. Fed the process's allocated-bytes total at each interval's end.
/// </summary>
public sealed class TrimDecision(long allocatedAtStart)
{
    /// <summary>A burst: an ingestion load, not the steady work of pollers (a dashboard refresh allocates well under a megabyte).</summary>
    public const long BurstBytes = 256L * 1024 * 1024;

    /// <summary>A quiet interval: the steady work of many pollers and the 5-s snapshot, not an ingestion load.</summary>
    public const long QuietBytes = 16L * 1024 * 1024;

    private long previous = allocatedAtStart;
    private long busyRun;

    /// <summary>True when it is time to trim.</summary>
    public bool After(long allocatedTotal)
    {
        var inInterval = allocatedTotal - previous;
        previous = allocatedTotal;
        if (inInterval >= QuietBytes)
        {
            busyRun += inInterval;
            return false;
        }
        var burstOver = busyRun >= BurstBytes;
        busyRun = 0;
        return burstOver;
    }
}
