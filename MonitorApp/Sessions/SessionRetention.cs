using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Sessions;

/// <summary>Sessions not heard from after <see cref="SessionsOptions.RetentionDays"/> with the hourly counts of hours wholly before, and categories no session refers to any more.</summary>
public sealed class SessionRetention(IOptions<SessionsOptions> sessions) : IRetentionTask
{
    public string Name => "sessions";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        // A session goes when nothing about it is newer than the window; the hourly counts of hours wholly
        // before the window go with it (no figure looks back further than 30 days, and retention is at least 30).
        var oldest = now.AddDays(-sessions.Value.RetentionDays);
        var oldestHour = TimeBuckets.Hour(oldest);
        await db.Sessions.Where(s => s.LastSeenAt < oldest && (s.EndedAt == null || s.EndedAt < oldest)).ExecuteDeleteAsync(cancellationToken);
        await db.SessionStartCounts.Where(c => c.Hour < oldestHour).ExecuteDeleteAsync(cancellationToken);
        await db.SessionQualityCounts.Where(c => c.Hour < oldestHour).ExecuteDeleteAsync(cancellationToken);
        // A category nothing refers to any more makes room under Sessions:MaxCategories (a batch that picked it up just
        // before is retried by the ingestor, which creates it again). Set<> inside the query: an expression tree cannot
        // hold an extension property.
        await db.CounselorCategories
            .Where(c => !db.Set<Session>().Any(s => s.CategoryId == c.Id) && !db.Set<SessionStartCount>().Any(n => n.CategoryId == c.Id))
            .ExecuteDeleteAsync(cancellationToken);
    }
}
