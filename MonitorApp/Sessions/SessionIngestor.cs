using Microsoft.EntityFrameworkCore;
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
public sealed class SessionIngestor(MonitorDbContext db, LiveSessionCount liveCount, ClusterNotifications cluster, ILogger<SessionIngestor> logger)
{
    private const int MaxAttempts = 3;

    public async Task<IngestOutcome> IngestAsync(SessionEventBatch? batch, CancellationToken cancellationToken)
    {
        var (events, errors) = SessionEventRules.Validate(batch);
        if (errors.Count > 0)
            return new IngestOutcome.Rejected(errors);

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StoreAsync(events, cancellationToken);
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                // Another batch created the same session or category between our read and our write;
                // reading again sees its row, and every event is an idempotent update of it.
                logger.LogInformation(ex, "Concurrent ingestion conflict, retrying (attempt {Attempt})", attempt);
                db.ChangeTracker.Clear();
            }
        }
    }

    private async Task<IngestOutcome> StoreAsync(List<SessionEvent> events, CancellationToken cancellationToken)
    {
        // The sessions are read and written in one transaction that holds their rows, so that the hourly
        // counts moved below are moved once even when two batches touch the same session at the same time.
        using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var ids = events.Select(e => e.SessionId).Distinct().ToList();
        var sessions = await LockedSessions(ids).ToDictionaryAsync(s => s.SessionId, cancellationToken);
        var before = sessions.Values.ToDictionary(s => s.SessionId, Counted.Of);

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

        var categoryNames = events.Where(e => e.Category is not null).Select(e => e.Category!).Distinct().ToList();
        var categories = await db.CounselorCategories.Where(c => categoryNames.Contains(c.Name)).ToDictionaryAsync(c => c.Name, cancellationToken);
        foreach (var name in categoryNames.Where(n => !categories.ContainsKey(n)))
        {
            var category = new CounselorCategory { Name = name };
            db.CounselorCategories.Add(category);
            categories[name] = category;
        }

        // Started events first, so a batch may carry a session's whole life in any order.
        foreach (var e in events.Where(e => e.Type == SessionEventType.Started))
        {
            if (!sessions.TryGetValue(e.SessionId, out var session))
            {
                session = new Session { SessionId = e.SessionId, StartedAt = e.At, LastSeenAt = e.At };
                db.Sessions.Add(session);
                sessions[e.SessionId] = session;
            }
            session.Category = categories[e.Category!];
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

        await db.SaveChangesAsync(cancellationToken);
        await MoveCountsAsync(before, sessions.Values, cancellationToken);
        await cluster.SessionsChangedAsync(db, cancellationToken); // other instances' live counters count again
        await transaction.CommitAsync(cancellationToken);
        liveCount.Changed();
        return new IngestOutcome.Accepted(events.Count);
    }

    /// <summary>The sessions with these ids; on PostgreSQL locked (in id order, so batches never deadlock) until the transaction ends.</summary>
    private IQueryable<Session> LockedSessions(List<string> ids) =>
        db.Database.IsNpgsql()
            ? db.Sessions.FromSqlRaw("SELECT * FROM sessions WHERE session_id = ANY({0}) ORDER BY session_id FOR UPDATE", ids)
            // SQLite: the transaction took the write lock when it began (BEGIN IMMEDIATE).
            : db.Sessions.Where(s => ids.Contains(s.SessionId));

    /// <summary>What the hourly counts know of a session: where its start and its latest quality are counted.</summary>
    private sealed record Counted(long StartHour, int CategoryId, long? QualityHour, ConnectionQuality? Quality)
    {
        public static Counted Of(Session s) => new(TimeBuckets.Hour(s.StartedAt), s.CategoryId,
            s.QualityAt is { } at ? TimeBuckets.Hour(at) : null, s.Quality);
    }

    /// <summary>Takes each changed session out of the counts it was in and adds it to the ones it is in now.</summary>
    private async Task MoveCountsAsync(Dictionary<string, Counted> before, IEnumerable<Session> after, CancellationToken cancellationToken)
    {
        var starts = new Dictionary<(long Hour, int CategoryId), long>();
        var qualities = new Dictionary<(long Hour, ConnectionQuality Quality), long>();
        void Move<TKey>(Dictionary<TKey, long> counts, TKey key, long by) where TKey : notnull =>
            counts[key] = counts.GetValueOrDefault(key) + by;

        foreach (var session in after)
        {
            var now = Counted.Of(session);
            var old = before.GetValueOrDefault(session.SessionId);
            if (old is null || (old.StartHour, old.CategoryId) != (now.StartHour, now.CategoryId))
            {
                if (old is not null)
                    Move(starts, (old.StartHour, old.CategoryId), -1);
                Move(starts, (now.StartHour, now.CategoryId), +1);
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
        foreach (var ((hour, categoryId), by) in starts.Where(c => c.Value != 0).OrderBy(c => c.Key))
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO session_start_counts (hour, category_id, sessions) VALUES ({0}, {1}, {2}) " +
                "ON CONFLICT (hour, category_id) DO UPDATE SET sessions = session_start_counts.sessions + excluded.sessions",
                [hour, categoryId, by], cancellationToken);
        }
        foreach (var ((hour, quality), by) in qualities.Where(c => c.Value != 0).OrderBy(c => c.Key))
        {
            await db.Database.ExecuteSqlRawAsync(
                "INSERT INTO session_quality_counts (hour, quality, sessions) VALUES ({0}, {1}, {2}) " +
                "ON CONFLICT (hour, quality) DO UPDATE SET sessions = session_quality_counts.sessions + excluded.sessions",
                [hour, quality.Name(), by], cancellationToken);
        }
    }
}
