namespace MonitorApp.Web;

/// <summary>
/// When <see cref="IdleMemoryTrim"/> gives memory back: in the first quiet interval (under <see cref="QuietBytes"/>
/// allocated) after a burst — a run of busy intervals (each <see cref="BusyBytes"/> or more) that allocated
/// <see cref="BurstBytes"/> or more in all. An interval in between neither adds to a burst nor ends one, so traffic that
/// hovers around the quiet line never builds a burst, and steady traffic, light or heavy, never trims.
/// Fed the process's allocated-bytes total at the end of each interval.
/// </summary>
internal sealed class TrimDecision(long allocatedAtStart)
{
    /// <summary>A quiet interval: the steady work of many pollers and the 5-s snapshot, not an ingestion load.</summary>
    public const long QuietBytes = 16L * 1024 * 1024;

    /// <summary>A busy interval: ingestion at a rate (an ingestion load allocates far more).</summary>
    public const long BusyBytes = 64L * 1024 * 1024;

    /// <summary>A burst: busy intervals in a row that allocated this much in all.</summary>
    public const long BurstBytes = 256L * 1024 * 1024;

    private long previous = allocatedAtStart;
    private long burst;

    /// <summary>True when it is time to give memory back.</summary>
    public bool ShouldTrim(long allocatedTotal)
    {
        var inInterval = allocatedTotal - previous;
        previous = allocatedTotal;
        if (inInterval >= BusyBytes)
            burst += inInterval;
        if (inInterval >= QuietBytes)
            return false;
        var burstOver = burst >= BurstBytes;
        burst = 0;
        return burstOver;
    }
}
