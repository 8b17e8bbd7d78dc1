using Microsoft.EntityFrameworkCore;

namespace MonitorApp.Data;

/// <summary>
/// A change and its audit row commit together or not at all (issue 28): <c>db.InOneTransactionAsync(...)</c> runs the work in
/// the context's transaction, opening one (and taking SQLite's write turn) when none is open.
/// </summary>
public static class Transactions
{
    public static async Task<T> InOneTransactionAsync<T>(this MonitorDbContext db, Func<Task<T>> work, CancellationToken cancellationToken = default)
    {
        if (db.Database.CurrentTransaction is not null)
            return await work();
        using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    public static Task InOneTransactionAsync(this MonitorDbContext db, Func<Task> work, CancellationToken cancellationToken = default) =>
        db.InOneTransactionAsync(async () =>
        {
            await work();
            return true;
        }, cancellationToken);
}
