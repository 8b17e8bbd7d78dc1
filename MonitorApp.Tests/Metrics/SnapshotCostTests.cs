using MonitorApp.Metrics;
using MonitorApp.Quality;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Metrics;

/// <summary>
/// The snapshot's cost must not grow with the data: it runs the same few aggregate queries whether the
/// tables hold ten rows or thousands (nothing is loaded row by row into C#), and the long service-check
/// history is read once a probe round, not every snapshot. Timings are printed, not asserted.
/// </summary>
public abstract class SnapshotCostTests(DatabaseProvider provider, ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Snapshot_RunsTheSameNumberOfQueries_ForTenRowsAndForThousands()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var t0 = IsolatedApp.T0;
        await app.PostSessionEventsAsync(Enumerable.Range(0, 10).Select(i => (object)new
        {
            session_id = $"small-{i}", type = "started", at = IsolatedApp.Iso(t0.AddMinutes(-i)), category = $"Cat {i % 3}", provider = "daily_co",
        }).ToArray());
        await app.RefreshAsync(); // the first snapshot of a process reads the (empty) check history once
        var (small, smallMs) = await CountQueriesAsync(app);

        for (var batch = 0; batch < 2; batch++)
        {
            await app.PostSessionEventsAsync(Enumerable.Range(0, 1000).SelectMany(i => new object[]
            {
                new { session_id = $"big-{batch}-{i}", type = "started", at = IsolatedApp.Iso(t0.AddMinutes(-(i * 37 % 40_000))), category = $"Cat {i % 12}", provider = "livekit" },
                new { session_id = $"big-{batch}-{i}", type = "quality", at = IsolatedApp.Iso(t0.AddMinutes(-(i * 37 % 40_000))), quality = i % 2 == 0 ? "good" : "poor" },
            }).ToArray());
            await app.PostRequestsAsync(Enumerable.Range(0, 5_000).Select(i => (object)new
            {
                service = $"svc-{i % 5}", at = IsolatedApp.Iso(t0.AddMinutes(-(i % 10_000))), status = i % 50 == 0 ? 500 : 200, duration_ms = i % 900,
            }));
        }
        // 30 days of checks of the three providers, one a minute: the most the retention keeps.
        await app.App.WithDbAsync(async db =>
        {
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            var start = t0.UtcDateTime.AddDays(-30);
            foreach (var service in ExternalServicesOptions.ContractNames)
            {
                db.ServiceChecks.AddRange(Enumerable.Range(0, 30 * 24 * 60).Select(m => new ServiceCheck
                {
                    Service = service, CheckedAt = start.AddMinutes(m), Result = m % 97 == 0 ? "down" : "operational", Status = "operational",
                    StatusSince = start, LatencyMs = m % 300, Detail = "All Systems Operational",
                }));
                await db.SaveChangesAsync();
                db.ChangeTracker.Clear();
            }
        });
        var rows = await app.App.WithDbAsync(async db => (await db.Sessions.CountAsync(), await db.RequestRollups.CountAsync(), await db.ServiceChecks.CountAsync()));
        var (large, largeMs) = await CountQueriesAsync(app);
        // The next snapshot within the same probe round: no new check, so the history is not read again.
        var (again, againMs) = await CountQueriesAsync(app);

        output.WriteLine($"{provider}: snapshot over 10 sessions: {small} queries, {smallMs:F1} ms; " +
                         $"over {rows.Item1} sessions, {rows.Item2} rollup rows and {rows.Item3} service checks: {large} queries, {largeMs:F1} ms; " +
                         $"again with no new check: {again} queries, {againMs:F1} ms");
        // Active sessions; quality and starts each as hourly counts plus the first hour's sessions; category
        // names; the last hour's and the week's request rollups; "any new check?".
        Assert.Equal(9, small);
        Assert.Equal(13, large);   // + latest check per service, uptime counts, half-hourly and daily history, because checks were added
        Assert.Equal(small, again);
    }

    [SkippableFact]
    public async Task AMillionStatsWindows_ChangeNeitherTheSnapshotsQueries_NorTheOneQueryOfEachProviderFigure()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var t0 = IsolatedApp.T0;
        await app.PostSessionEventsAsync(new { session_id = "cost-1", type = "started", at = IsolatedApp.Iso(t0.AddDays(-12)), category = "Career", provider = "livekit" });
        await app.RefreshAsync();
        var (before, beforeMs) = await CountQueriesAsync(app);
        var quality = app.App.Services.GetRequiredService<QualityFigures>();

        // A million windows of one session, one a second back from T0 (11.6 days), and the bins they would have filled.
        var sql = provider == DatabaseProvider.Postgres
            ? """
              INSERT INTO session_stats (session_id, at, direction, kind, window_seconds, packet_loss_pct, rtt_ms, jitter_ms, mos, reason)
              SELECT 'cost-1', timestamptz '2026-11-26 12:00:30+00' - i * interval '1 second', CASE WHEN i % 2 = 0 THEN 'send' ELSE 'receive' END,
                     'audio', 10, i % 5, 50 + i % 300, i % 40, 1 + (i % 35) / 10.0, 'delay'
              FROM generate_series(1, 1000000) AS i;
              INSERT INTO quality_bins (width_minutes, start_minute, provider, direction, bin, windows, relayed, relay_unreported, loss, delay, jitter)
              SELECT w, (29928240 - m) - (29928240 - m) % w, 'livekit', d, b, count(*), 0, 0, 0, count(*), 0
              FROM (VALUES (1), (60)) AS widths(w), generate_series(0, 16666) AS m, (VALUES ('send'), ('receive')) AS dirs(d), generate_series(10, 44, 5) AS b
              GROUP BY 1, 2, 4, 5;
              """
            : """
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000000)
              INSERT INTO session_stats (session_id, at, direction, kind, window_seconds, packet_loss_pct, rtt_ms, jitter_ms, mos, reason)
              SELECT 'cost-1', strftime('%Y-%m-%d %H:%M:%S', '2026-11-26 12:00:30', '-' || i || ' seconds'), CASE WHEN i % 2 = 0 THEN 'send' ELSE 'receive' END,
                     'audio', 10, i % 5, 50 + i % 300, i % 40, 1 + (i % 35) / 10.0, 'delay'
              FROM n;
              WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < 16666),
                   b(v) AS (SELECT 10 UNION ALL SELECT v + 5 FROM b WHERE v < 40)
              INSERT INTO quality_bins (width_minutes, start_minute, provider, direction, bin, windows, relayed, relay_unreported, loss, delay, jitter)
              SELECT w.w, (29928240 - m.i) - (29928240 - m.i) % w.w, 'livekit', d.d, b.v, count(*), 0, 0, 0, count(*), 0
              FROM (SELECT 1 AS w UNION ALL SELECT 60) AS w, m, (SELECT 'send' AS d UNION ALL SELECT 'receive') AS d, b
              GROUP BY 1, 2, 4, 5;
              """;
        await app.App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(sql));
        var stored = await app.App.WithDbAsync(db => db.SessionStats.LongCountAsync());
        var (after, afterMs) = await CountQueriesAsync(app);

        var reads = new List<string>();
        foreach (var window in QualityFigures.Windows)
        {
            using var counter = CommandCounter.ForThisFlow(app.Database.ConnectionString);
            var watch = Stopwatch.StartNew();
            var figures = await quality.ByProviderAsync(window, CancellationToken.None);
            reads.Add($"{window}: {counter.Count} query, {watch.Elapsed.TotalMilliseconds:F1} ms, {Assert.Single(figures.Providers).Windows} windows");
            Assert.Equal(1, counter.Count);
        }
        // A new window of that session is taken, judged with the session's stored last minute (one a second, MOS down to 1.0).
        await app.PostSessionEventsAsync(new { session_id = "cost-1", type = "stats", at = IsolatedApp.Iso(t0), direction = "send", kind = "audio",
            window_seconds = 10, packet_loss_pct = 0, rtt_ms = 40, jitter_ms = 2 });
        Assert.Equal(ConnectionQuality.Poor, await app.App.WithDbAsync(db => db.Sessions.Where(s => s.SessionId == "cost-1").Select(s => s.Quality).SingleAsync()));

        output.WriteLine($"{provider}: snapshot before: {before} queries, {beforeMs:F1} ms; with {stored:N0} stats windows: {after} queries, {afterMs:F1} ms; " +
                         string.Join("; ", reads));
        Assert.Equal(1_000_000, stored);
        Assert.Equal(before, after);
    }

    private static async Task<(int Queries, double Ms)> CountQueriesAsync(IsolatedApp app)
    {
        using var counter = CommandCounter.ForThisFlow(app.Database.ConnectionString);
        var watch = Stopwatch.StartNew();
        await app.RefreshAsync();
        return (counter.Count, watch.Elapsed.TotalMilliseconds);
    }
}

public sealed class SqliteSnapshotCostTests(ITestOutputHelper output) : SnapshotCostTests(DatabaseProvider.Sqlite, output);

public sealed class PostgresSnapshotCostTests(ITestOutputHelper output) : SnapshotCostTests(DatabaseProvider.Postgres, output);
