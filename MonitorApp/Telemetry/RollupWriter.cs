using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>
/// Adds deltas to the minute and the hour rollup rows in one transaction. The same upsert SQL runs on
/// SQLite and PostgreSQL; adding (never overwriting) is what lets several instances share the rows.
/// </summary>
public static class RollupWriter
{
    private static readonly string MinuteSql = BuildSql(RollupTables.Minute);
    private static readonly string HourSql = BuildSql(RollupTables.Hour);

    private static string BuildSql(RollupTables t)
    {
        string[] counters = ["requests", "errors_5xx", "errors_4xx", .. LatencyBucket.All.Select(b => b.Column)];
        var columns = string.Join(", ", counters);
        var values = string.Join(", ", counters.Select((_, i) => $"{{{i + 2}}}"));
        var updates = string.Join(", ", counters.Select(c => $"{c} = {t.Table}.{c} + excluded.{c}"));
        return $"INSERT INTO {t.Table} (service, {t.TimeColumn}, {columns}) VALUES ({{0}}, {{1}}, {values}) " +
               $"ON CONFLICT ({t.TimeColumn}, service) DO UPDATE SET {updates}";
    }

    /// <summary>
    /// Adds <paramref name="deltas"/>; with a <paramref name="limit"/>, writes nothing and returns the new service names
    /// when they would take the stored services past it.
    /// </summary>
    public static Task<IReadOnlyList<string>> WriteAsync(MonitorDbContext db, IReadOnlyCollection<RollupDelta> deltas, CancellationToken cancellationToken,
        ServiceLimit? limit = null) =>
        deltas.Count == 0 ? Task.FromResult<IReadOnlyList<string>>([]) : WriteAsync(db, _ => Task.FromResult(deltas), cancellationToken, limit);

    /// <summary>
    /// As above, with the deltas worked out inside the transaction (from stored cumulative counts, say): what that reads and
    /// writes is kept only if the rollups are.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(MonitorDbContext db, Func<CancellationToken, Task<IReadOnlyCollection<RollupDelta>>> deltasInTransaction,
        CancellationToken cancellationToken, ServiceLimit? limit = null)
    {
        using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var deltas = await deltasInTransaction(cancellationToken);
        var services = deltas.Select(d => d.Service).Distinct(StringComparer.Ordinal).ToList();
        if (limit is not null && await limit.RefusedAsync(db, services, cancellationToken) is { Count: > 0 } refused)
            return refused;
        // In key order, so writers adding to the same rows lock them in the same order (no deadlock).
        foreach (var d in deltas.OrderBy(d => d.Minute).ThenBy(d => d.Service, StringComparer.Ordinal))
        {
            object[] counters = [d.Requests, d.Errors5xx, d.Errors4xx, .. d.Buckets.Cast<object>()];
            await db.Database.ExecuteSqlRawAsync(MinuteSql, [d.Service, d.Minute, .. counters], cancellationToken);
        }
        // The hour rows get the same counts, one upsert per service and hour.
        foreach (var hour in deltas.GroupBy(d => (d.Service, Hour: RequestRollup.HourOf(d.Minute))).OrderBy(h => h.Key.Hour).ThenBy(h => h.Key.Service, StringComparer.Ordinal))
        {
            var buckets = new long[LatencyHistogram.BucketCount];
            foreach (var d in hour)
            {
                for (var i = 0; i < buckets.Length; i++)
                    buckets[i] += d.Buckets[i];
            }
            object[] counters = [hour.Sum(d => d.Requests), hour.Sum(d => d.Errors5xx), hour.Sum(d => d.Errors4xx), .. buckets.Cast<object>()];
            await db.Database.ExecuteSqlRawAsync(HourSql, [hour.Key.Service, hour.Key.Hour, .. counters], cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        limit?.Stored(services);
        return [];
    }
}
