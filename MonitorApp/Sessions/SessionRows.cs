using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using Npgsql;
using NpgsqlTypes;

namespace MonitorApp.Sessions;

/// <summary>
/// Writes one batch's sessions and count moves with a fixed number of statements, whatever the batch size:
/// on PostgreSQL each is one set-based statement over arrays (<c>unnest</c>); on SQLite, where a statement
/// costs no round trip, EF's batched commands do the same job. Runs inside the caller's transaction.
/// </summary>
internal static class SessionRows
{
    /// <summary>Every column of <c>sessions</c>, in the order of the arrays below (a test compares it with the EF model).</summary>
    internal const string Columns = "session_id, category_id, provider, started_at, last_seen_at, ended_at, quality, quality_at";

    /// <summary>Inserts the new sessions (a session another batch created meanwhile fails the insert, so the caller retries) and updates the changed ones.</summary>
    public static async Task WriteAsync(MonitorDbContext db, IReadOnlyList<Session> inserted, IReadOnlyList<Session> updated, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            db.Sessions.AddRange(inserted);
            db.Sessions.UpdateRange(updated);
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return;
        }

        const string FromArrays = "unnest(@ids, @categories, @providers, @started, @seen, @ended, @qualities, @quality_at) " +
                                  "AS u(session_id, category_id, provider, started_at, last_seen_at, ended_at, quality, quality_at)";
        if (inserted.Count > 0)
        {
            await ExecuteAsync(db, $"INSERT INTO sessions ({Columns}) SELECT {Columns} FROM {FromArrays}", inserted, cancellationToken);
        }
        if (updated.Count > 0)
        {
            await ExecuteAsync(db,
                $"UPDATE sessions AS s SET category_id = u.category_id, provider = u.provider, started_at = u.started_at, " +
                $"last_seen_at = u.last_seen_at, ended_at = u.ended_at, quality = u.quality, quality_at = u.quality_at " +
                $"FROM {FromArrays} WHERE s.session_id = u.session_id", updated, cancellationToken);
        }
    }

    /// <summary>Adds each count's change to its hourly row, creating it when absent, in key order (two batches never deadlock).</summary>
    public static async Task MoveCountsAsync(MonitorDbContext db,
        IReadOnlyList<((long Hour, int CategoryId) Key, long By)> starts,
        IReadOnlyList<((long Hour, ConnectionQuality Quality) Key, long By)> qualities,
        CancellationToken cancellationToken)
    {
        const string StartsUpsert = "INSERT INTO session_start_counts (hour, category_id, sessions) {0} " +
                                    "ON CONFLICT (hour, category_id) DO UPDATE SET sessions = session_start_counts.sessions + excluded.sessions";
        const string QualitiesUpsert = "INSERT INTO session_quality_counts (hour, quality, sessions) {0} " +
                                       "ON CONFLICT (hour, quality) DO UPDATE SET sessions = session_quality_counts.sessions + excluded.sessions";
        if (db.Database.IsNpgsql())
        {
            if (starts.Count > 0)
            {
                await db.Database.ExecuteSqlRawAsync(string.Format(StartsUpsert, "SELECT * FROM unnest(@hours, @keys, @by) ORDER BY 1, 2"),
                    [Array("hours", starts.Select(s => s.Key.Hour)), Array("keys", starts.Select(s => s.Key.CategoryId)), Array("by", starts.Select(s => s.By))],
                    cancellationToken);
            }
            if (qualities.Count > 0)
            {
                await db.Database.ExecuteSqlRawAsync(string.Format(QualitiesUpsert, "SELECT * FROM unnest(@hours, @keys, @by) ORDER BY 1, 2"),
                    [Array("hours", qualities.Select(s => s.Key.Hour)), Array("keys", qualities.Select(s => s.Key.Quality.Name())), Array("by", qualities.Select(s => s.By))],
                    cancellationToken);
            }
            return;
        }

        foreach (var ((hour, categoryId), by) in starts)
            await db.Database.ExecuteSqlRawAsync(string.Format(StartsUpsert, "VALUES ({0}, {1}, {2})"), [hour, categoryId, by], cancellationToken);
        foreach (var ((hour, quality), by) in qualities)
            await db.Database.ExecuteSqlRawAsync(string.Format(QualitiesUpsert, "VALUES ({0}, {1}, {2})"), [hour, quality.Name(), by], cancellationToken);
    }

    private static Task ExecuteAsync(MonitorDbContext db, string sql, IReadOnlyList<Session> rows, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlRawAsync(sql,
        [
            Array("ids", rows.Select(s => s.SessionId)),
            Array("categories", rows.Select(s => s.CategoryId)),
            Array("providers", rows.Select(s => s.Provider.Name())),
            Array("started", rows.Select(s => s.StartedAt), NpgsqlDbType.TimestampTz),
            Array("seen", rows.Select(s => s.LastSeenAt), NpgsqlDbType.TimestampTz),
            Array("ended", rows.Select(s => s.EndedAt), NpgsqlDbType.TimestampTz),
            Array("qualities", rows.Select(s => s.Quality?.Name())),
            Array("quality_at", rows.Select(s => s.QualityAt), NpgsqlDbType.TimestampTz),
        ], cancellationToken);

    private static NpgsqlParameter Array<T>(string name, IEnumerable<T> values, NpgsqlDbType? elementType = null)
    {
        var parameter = new NpgsqlParameter<T[]>(name, values.ToArray());
        if (elementType is { } type)
            parameter.NpgsqlDbType = NpgsqlDbType.Array | type;
        return parameter;
    }
}
