using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>Adds deltas to rollup rows in one transaction. The same upsert SQL runs on SQLite and PostgreSQL.</summary>
public static class RollupWriter
{
    private static readonly string Sql = BuildSql();

    private static string BuildSql()
    {
        string[] counters = ["requests", "errors_5xx", "errors_4xx", .. LatencyBucket.All.Select(b => b.Column)];
        var columns = string.Join(", ", counters);
        var values = string.Join(", ", counters.Select((_, i) => $"{{{i + 2}}}"));
        var updates = string.Join(", ", counters.Select(c => $"{c} = request_rollups.{c} + excluded.{c}"));
        return $"INSERT INTO request_rollups (service, minute, {columns}) VALUES ({{0}}, {{1}}, {values}) " +
               $"ON CONFLICT (minute, service) DO UPDATE SET {updates}";
    }

    public static async Task WriteAsync(MonitorDbContext db, IReadOnlyCollection<RollupDelta> deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
            return;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        foreach (var d in deltas)
        {
            object[] parameters = [d.Service, d.Minute, d.Requests, d.Errors5xx, d.Errors4xx, .. d.Buckets.Cast<object>()];
            await db.Database.ExecuteSqlRawAsync(Sql, parameters, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
