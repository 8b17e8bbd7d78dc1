namespace MonitorApp.Data;

/// <summary>
/// One feature's share of the hourly retention round (<see cref="Retention"/>): it deletes what it keeps no longer. Each
/// feature registers its own, so what is kept how long is decided beside the tables it concerns.
/// </summary>
public interface IRetentionTask
{
    /// <summary>What it prunes, for the log when it fails.</summary>
    string Name { get; }

    /// <summary>Deletes what is older than kept at <paramref name="now"/> (the caller holds the SQLite write turn).</summary>
    Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken);
}
