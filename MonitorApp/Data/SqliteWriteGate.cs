using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;

namespace MonitorApp.Data;

/// <summary>
/// SQLite lets one writer in at a time, and its driver waits for the lock by blocking a thread (and
/// by up to the command timeout when writers collide). A few batches arriving together on a 2-core
/// machine then starve the thread pool. So this app's writers to one SQLite file take turns here,
/// waiting without a thread. PostgreSQL needs no gate: it locks rows, not the database.
/// </summary>
public static class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    /// <summary>Waits for this database's turn (SQLite), or returns at once (PostgreSQL). Dispose to let the next writer in.</summary>
    public static async Task<IDisposable> EnterAsync(MonitorDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
            return NoGate.Instance;
        var gate = Gates.GetOrAdd(db.Database.GetConnectionString() ?? "", _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                gate.Release();
        }
    }

    private sealed class NoGate : IDisposable
    {
        public static readonly NoGate Instance = new();

        public void Dispose()
        {
        }
    }
}
