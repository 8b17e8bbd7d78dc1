using MonitorApp.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Sessions;

public abstract class SessionRetentionTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    private static object Event(string id, string type, DateTimeOffset at) => type == "started"
        ? new { session_id = id, type, at = IsolatedApp.Iso(at), category = "Career", provider = "livekit" }
        : new { session_id = id, type, at = IsolatedApp.Iso(at) };

    [SkippableFact]
    public async Task SessionsNotHeardFromForTheRetentionWindow_AreDeleted_WithTheirHourlyCounts_RecentOnesStay()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Sessions:RetentionDays"] = "30" });
        var longAgo = T0.AddDays(-30).AddMinutes(10);
        await app.PostSessionEventsAsync(
            Event("over", "started", longAgo), Event("over", "ended", longAgo.AddMinutes(20)),
            Event("silent", "started", longAgo), Event("silent", "heartbeat", longAgo.AddMinutes(5)),
            Event("long-lived", "started", longAgo), Event("long-lived", "heartbeat", T0.AddMinutes(-1)),
            Event("today", "started", T0.AddHours(-2)));

        // "over" and "silent" were last heard from more than 30 days ago (the hourly round may prune them first)
        app.Time.Advance(TimeSpan.FromHours(1));
        await app.App.Services.GetRequiredService<Retention>().PruneAsync(CancellationToken.None);

        Assert.Equal(["long-lived", "today"], await app.App.WithDbAsync(db => db.Sessions.Select(s => s.SessionId).OrderBy(id => id).ToListAsync()));
        var hours = await app.App.WithDbAsync(db => db.SessionStartCounts.Select(c => c.Hour).ToListAsync());
        Assert.Equal([Hour(T0.AddHours(-2))], hours); // the hour 30 days ago is wholly outside the window now
    }

    private static long Hour(DateTimeOffset at) => TimeBuckets.Hour(at.UtcDateTime);
}

public sealed class SqliteSessionRetentionTests() : SessionRetentionTests(DatabaseProvider.Sqlite);

public sealed class PostgresSessionRetentionTests() : SessionRetentionTests(DatabaseProvider.Postgres);
