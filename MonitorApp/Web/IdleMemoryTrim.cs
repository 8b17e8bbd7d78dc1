using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;

namespace MonitorApp.Web;

/// <summary>
/// Gives back what a burst of work left committed, once the burst is over. An ingestion load allocates gigabytes in
/// seconds; the garbage collector keeps the regions it committed for it, and glibc the pages its arenas grew by, until
/// a later collection happens to need less — which in a quiet process may never come (measured: 250 MB resident after
/// 500,000 events where 14 MB were live). After a burst followed by a quiet interval (<see cref="TrimDecision"/>), one
/// aggressive, compacting collection returns the free regions and <c>malloc_trim</c> the free native pages.
/// It watches the real process on the real clock (not the injected TimeProvider: a test's fake clock says nothing about memory).
/// Off with <c>Memory:TrimAfterBursts=false</c>.
/// </summary>
public sealed class IdleMemoryTrim(IOptions<MemoryOptions> options, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.TrimAfterBursts)
            return;
        using var timer = new PeriodicTimer(Interval);
        var decision = new TrimDecision(GC.GetTotalAllocatedBytes());
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (!decision.ShouldTrim(GC.GetTotalAllocatedBytes()))
                    continue;
                try
                {
                    var before = Environment.WorkingSet;
                    var watch = Stopwatch.StartNew();
                    var native = Trim();
                    logger.LogInformation("A burst of work is over; memory given back in {Ms} ms: resident {Before} MB → {After} MB (native pages: {Native})",
                        watch.ElapsedMilliseconds, before >> 20, Environment.WorkingSet >> 20,
                        native switch { true => "released", false => "none free", null => "not trimmed on this C library" });
                }
                catch (Exception ex) // best effort: never worth stopping the app for
                {
                    logger.LogWarning(ex, "Giving memory back after a burst failed; the app goes on as it is");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// An aggressive, compacting full collection (free regions decommitted), then glibc's free pages back to the system.
    /// Returns whether <c>malloc_trim</c> released any; null where there is none (off Linux, or a C library without it, e.g. musl).
    /// </summary>
    public static bool? Trim()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!OperatingSystem.IsLinux())
            return null;
        try
        {
            return MallocTrim(0) == 1;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    /// <summary>glibc: <c>int malloc_trim(size_t pad)</c>, 1 when memory was released. (.NET maps "libc" to libc.so.6.)</summary>
    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);
}
