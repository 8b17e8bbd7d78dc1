using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
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
