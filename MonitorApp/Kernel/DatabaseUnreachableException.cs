namespace MonitorApp.Kernel;

/// <summary>Thrown without trying the database when the last attempt just found it unreachable (the snapshot is stale).</summary>
public sealed class DatabaseUnreachableException() : Exception(Reason)
{
    /// <summary>The reason beside a figure the database could not give (generic: the exception itself can carry host names and SQL).</summary>
    public const string Reason = "database unreachable";
}
