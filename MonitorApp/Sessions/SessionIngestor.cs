using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Api;
using MonitorApp.Data;

namespace MonitorApp.Sessions;

public abstract record IngestOutcome
{
    public sealed record Accepted(int Count) : IngestOutcome;
    public sealed record Rejected(Dictionary<string, string[]> Errors) : IngestOutcome;
}

/// <summary>
/// Stores session events. The API and the demo simulator both come through here, so demo data
/// exercises exactly the code that real platform traffic does.
/// </summary>
public sealed class SessionIngestor(MonitorDbContext db, LiveSessionCount liveCount, ClusterNotifications cluster, TimeProvider time,
    IOptions<SessionsOptions> options, ILogger<SessionIngestor> logger)
{
    private const int MaxAttempts = 3;

    public async Task<IngestOutcome> IngestAsync(SessionEventBatch? batch, CancellationToken cancellationToken)
    {
        var (events, errors) = SessionEventRules.Validate(batch, EventTimeBounds.At(time.GetUtcNow(), options.Value.RetentionDays));
        if (errors.Count > 0)
            return new IngestOutcome.Rejected(errors);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(events, cancellationToken);
            }
            catch (Exception ex) when (attempt < MaxAttempts && IsRetryableConflict(ex))
            {
                // Another batch created the same session between our read and our write, or the two deadlocked;
                // reading again sees its row, and every event is an idempotent update of it.
                logger.LogInformation(ex, "Concurrent ingestion conflict, retrying (attempt {Attempt})", attempt);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// A session another batch created between our read and our write (a unique violation), a deadlock with another
    /// batch, or a category retention deleted after we read it (a foreign key), however EF or Npgsql wrapped it: the
    /// batch is simply tried again. (SQLite writers take turns, so there only a key taken by another process qualifies.)
    /// </summary>
    private static bool IsRetryableConflict(Exception ex)
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation or Npgsql.PostgresErrorCodes.DeadlockDetected
                    or Npgsql.PostgresErrorCodes.ForeignKeyViolation }
                || e is Microsoft.Data.Sqlite.SqliteException { SqliteExtendedErrorCode: 2067 or 1555 or 787 }) // SQLITE_CONSTRAINT_UNIQUE, _PRIMARYKEY, _FOREIGNKEY
                return true;
        }
        return false;
    }

    /// <summary>
    /// Scores the batch's stats windows (<see cref="Quality.StatsStore"/>) and sets each measured session's quality to the level of
    /// the lowest MOS among its windows of the minute up to its latest one, so every figure built on session quality follows
    /// measured quality. Returns the new windows, to write once the sessions are.
    /// </summary>
    private async Task<List<Quality.SessionStatsRow>> MeasureAsync(List<SessionEvent> events, Dictionary<string, Session> sessions, CancellationToken cancellationToken)
    {
        var stats = events.Where(e => e.Type == SessionEventType.Stats).Select(e => (e.SessionId, e.At, Stats: e.Stats!)).ToList();
        if (stats.Count == 0)
            return [];
        var (added, windows) = await Quality.StatsStore.MeasureAsync(db, stats, cancellationToken);
        // Each measured session's latest window in the batch (grouped once: a batch may hold 5,000 windows of 5,000 sessions),
        // to the millisecond as stored.
        foreach (var (sessionId, latest) in stats.GroupBy(e => e.SessionId).Select(g => (g.Key, Quality.StatsStore.ToMillisecond(g.Max(e => e.At)))))
        {
            var session = sessions[sessionId];
            // As of the session's latest quality: a window arriving late still counts if it falls in that minute.
            var asOf = session.QualityAt is { } qualityAt && qualityAt > latest ? qualityAt : latest;
            var lastMinute = windows[sessionId].Where(w => w.At > asOf - Quality.StatsStore.QualityWindow && w.At <= asOf).ToList();
            if (lastMinute.Count == 0)
                continue;
            session.Quality = Quality.Mos.LevelOf(lastMinute.Min(w => w.Mos));
            session.QualityAt = asOf;
            if (latest > session.LastSeenAt)
                session.LastSeenAt = latest;
        }
        return added;
    }

    private async Task<IngestOutcome> StoreAsync(List<SessionEvent> events, CancellationToken cancellationToken)
    {
        // The sessions are read and written in one transaction that holds their rows, so that the hourly
        // counts moved below are moved once even when two batches touch the same session at the same time.
        using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = events.Select(e => e.SessionId).Distinct().ToList();
        var sessions = await LockedSessions(ids).AsNoTracking().ToDictionaryAsync(s => s.SessionId, cancellationToken);
        var before = sessions.Values.ToDictionary(s => s.SessionId, Stored.Of);

        var startedInBatch = events.Where(e => e.Type == SessionEventType.Started).Select(e => e.SessionId).ToHashSet();
        var unknown = new Dictionary<string, string[]>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (e.Type != SessionEventType.Started && !sessions.ContainsKey(e.SessionId) && !startedInBatch.Contains(e.SessionId))
                unknown[$"events[{i}].session_id"] = [$"session '{e.SessionId}' is unknown: send its started event first (in this batch or an earlier one)."];
        }
        if (unknown.Count > 0)
            return new IngestOutcome.Rejected(unknown);

        var (categories, refused) = await CategoryIdsAsync(events, cancellationToken);
        if (refused.Count > 0)
            return new IngestOutcome.Rejected(refused);

        // Started events first, so a batch may carry a session's whole life in any order.
        foreach (var e in events.Where(e => e.Type == SessionEventType.Started))
        {
            if (!sessions.TryGetValue(e.SessionId, out var session))
            {
                session = new Session { SessionId = e.SessionId, StartedAt = e.At, LastSeenAt = e.At };
                sessions[e.SessionId] = session;
            }
            session.CategoryId = categories[e.Category!];
            session.Provider = e.Provider!.Value;
            session.StartedAt = e.At;
            if (e.At > session.LastSeenAt)
                session.LastSeenAt = e.At;
        }

        foreach (var e in events.Where(e => e.Type != SessionEventType.Started))
        {
            var session = sessions[e.SessionId];
            switch (e.Type)
            {
                case SessionEventType.Heartbeat:
                    if (e.At > session.LastSeenAt)
                        session.LastSeenAt = e.At;
                    break;
                case SessionEventType.Quality:
                    // The latest report by its own time wins, whatever order the reports arrive in.
                    if (session.QualityAt is null || e.At > session.QualityAt)
                    {
                        session.Quality = e.Quality;
                        session.QualityAt = e.At;
                    }
                    if (e.At > session.LastSeenAt)
                        session.LastSeenAt = e.At;
                    break;
                case SessionEventType.Ended:
                    if (session.EndedAt is null || e.At < session.EndedAt)
                        session.EndedAt = e.At;
                    break;
            }
        }
        // Measured quality: the worst window of each measured session's last minute of stats.
        var windows = await MeasureAsync(events, sessions, cancellationToken);

        var inserted = sessions.Values.Where(s => !before.ContainsKey(s.SessionId)).ToList();
        var updated = sessions.Values.Where(s => before.TryGetValue(s.SessionId, out var old) && old != Stored.Of(s)).ToList();
        await SessionRows.WriteAsync(db, inserted, updated, cancellationToken);
        await Quality.StatsStore.WriteAsync(db, windows, id => sessions[id].Provider.Name(), cancellationToken);
        await MoveCountsAsync(before, inserted.Concat(updated), cancellationToken);
        await cluster.NotifyAsync(db, LiveSessionCount.ClusterTopic, null, cancellationToken); // other instances' live counters count again
        await transaction.CommitAsync(cancellationToken);
        liveCount.Changed();
        return new IngestOutcome.Accepted(events.Count);
    }

    /// <summary>
    /// The id of every category the batch names, creating the new ones; or, when they would take the stored
    /// categories past <see cref="SessionsOptions.MaxCategories"/>, the refusal naming them (nothing created).
    /// </summary>
    private async Task<(Dictionary<string, int> Ids, Dictionary<string, string[]> Refused)> CategoryIdsAsync(
        List<SessionEvent> events, CancellationToken cancellationToken)
    {
        var names = events.Where(e => e.Category is not null).Select(e => e.Category!).Distinct().ToList();
        var categories = await db.CounselorCategories.AsNoTracking().Where(c => names.Contains(c.Name)).ToDictionaryAsync(c => c.Name, c => c.Id, cancellationToken);
        var missing = names.Where(n => !categories.ContainsKey(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0)
            return (categories, []);

        // Batches adding categories take turns (SQLite: the write lock they hold already), so two cannot both
        // fit under the limit and pass it together.
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('monitorapp-new-categories'))", cancellationToken);
        var stored = await db.CounselorCategories.CountAsync(cancellationToken);
        var created = await db.CounselorCategories.AsNoTracking().Where(c => missing.Contains(c.Name)).ToDictionaryAsync(c => c.Name, c => c.Id, cancellationToken);
        var brandNew = missing.Where(n => !created.ContainsKey(n)).ToList();
        var max = options.Value.MaxCategories;
        if (stored + brandNew.Count > max)
        {
            var list = string.Join(", ", brandNew.Select(n => $"'{n}'"));
            var refused = brandNew.ToDictionary(
                n => $"events[{events.FindIndex(e => e.Category == n)}].category",
                _ => new[] { $"would be new, and {stored} categories are stored already: at most {max} are kept (Sessions:MaxCategories). New in this batch: {list}." });
            return (categories, refused);
        }

        // Another batch may be creating the same names right now: "do nothing" waits for it instead of failing,
        // and names go in one order (sorted), so two batches never hold each other's names (no deadlock).
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync("INSERT INTO counselor_categories (name) SELECT unnest(@names) ORDER BY 1 ON CONFLICT (name) DO NOTHING",
                [new Npgsql.NpgsqlParameter<string[]>("names", missing.ToArray())], cancellationToken);
        }
        else
        {
            foreach (var name in missing)
                await db.Database.ExecuteSqlRawAsync("INSERT INTO counselor_categories (name) VALUES ({0}) ON CONFLICT (name) DO NOTHING", [name], cancellationToken);
        }
        foreach (var (name, id) in await db.CounselorCategories.AsNoTracking().Where(c => missing.Contains(c.Name)).ToDictionaryAsync(c => c.Name, c => c.Id, cancellationToken))
            categories[name] = id;
        return (categories, []);
    }

    /// <summary>The sessions with these ids; on PostgreSQL locked (in id order, so batches never deadlock) until the transaction ends.</summary>
    private IQueryable<Session> LockedSessions(List<string> ids) =>
        db.Database.IsNpgsql()
            ? db.Sessions.FromSqlRaw("SELECT * FROM sessions WHERE session_id = ANY({0}) ORDER BY session_id FOR UPDATE", ids)
            // SQLite: the transaction took the write lock when it began (BEGIN IMMEDIATE).
            : db.Sessions.Where(s => ids.Contains(s.SessionId));

    /// <summary>A session's stored values, to tell which sessions the batch changed and where the hourly counts had them.</summary>
    private sealed record Stored(int CategoryId, VideoProvider Provider, DateTime StartedAt, DateTime LastSeenAt, DateTime? EndedAt,
        ConnectionQuality? Quality, DateTime? QualityAt)
    {
        public static Stored Of(Session s) => new(s.CategoryId, s.Provider, s.StartedAt, s.LastSeenAt, s.EndedAt, s.Quality, s.QualityAt);

        public (long Hour, int CategoryId) StartKey => (TimeBuckets.Hour(StartedAt), CategoryId);
        public long? QualityHour => QualityAt is { } at ? TimeBuckets.Hour(at) : null;
    }

    /// <summary>Takes each changed session out of the counts it was in and adds it to the ones it is in now.</summary>
    private Task MoveCountsAsync(Dictionary<string, Stored> before, IEnumerable<Session> changed, CancellationToken cancellationToken)
    {
        var starts = new Dictionary<(long Hour, int CategoryId), long>();
        var qualities = new Dictionary<(long Hour, ConnectionQuality Quality), long>();
        void Move<TKey>(Dictionary<TKey, long> counts, TKey key, long by) where TKey : notnull =>
            counts[key] = counts.GetValueOrDefault(key) + by;

        foreach (var session in changed)
        {
            var now = Stored.Of(session);
            var old = before.GetValueOrDefault(session.SessionId);
            if (old is null || old.StartKey != now.StartKey)
            {
                if (old is not null)
                    Move(starts, old.StartKey, -1);
                Move(starts, now.StartKey, +1);
            }
            if ((old?.QualityHour, old?.Quality) != (now.QualityHour, now.Quality))
            {
                if (old is { QualityHour: { } oldHour, Quality: { } oldQuality })
                    Move(qualities, (oldHour, oldQuality), -1);
                if (now is { QualityHour: { } newHour, Quality: { } newQuality })
                    Move(qualities, (newHour, newQuality), +1);
            }
        }

        // In key order, so two batches moving the same counts lock their rows in the same order (no deadlock).
        return SessionRows.MoveCountsAsync(db,
            starts.Where(c => c.Value != 0).OrderBy(c => c.Key).Select(c => (c.Key, c.Value)).ToList(),
            qualities.Where(c => c.Value != 0).OrderBy(c => c.Key).Select(c => (c.Key, c.Value)).ToList(),
            cancellationToken);
    }
}
