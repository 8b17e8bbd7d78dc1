namespace MonitorApp.Web;

/// <summary>Section <c>Memory</c>: how the process gives memory back.</summary>
public sealed class MemoryOptions
{
    public const string Section = "Memory";

    /// <summary>
    /// After a burst of work (an ingestion load), once the process is quiet, give back what the burst left committed
    /// (<see cref="IdleMemoryTrim"/>). Process-wide: a host sharing its process with others (tests) turns it off.
    /// </summary>
    public bool TrimAfterBursts { get; set; } = true;
}
