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
public sealed class SessionIngestor(MonitorDbContext db, LiveSessionCount liveCount, ILogger<SessionIngestor> logger)
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
        var ids = events.Select(e => e.SessionId).Distinct().ToList();
        var sessions = await db.Sessions.Where(s => ids.Contains(s.SessionId)).ToDictionaryAsync(s => s.SessionId, cancellationToken);

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
        liveCount.Changed();
        return new IngestOutcome.Accepted(events.Count);
    }
}
