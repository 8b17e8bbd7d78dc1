using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Metrics;

/// <summary>
/// The snapshot reads counts kept as data arrives instead of scanning every row. Whatever the data, each
/// figure must equal what the README defines, computed here directly from the stored rows: sessions
/// started at or after each window's cutoff by category, latest quality reported at or after it by
/// level, and requests per hour and in the last 60 minutes.
/// </summary>
public abstract class PreAggregationTests(DatabaseProvider provider, ITestOutputHelper output)
{
    private static readonly string[] Categories = ["Anxiety", "Career", "Exams", "Sleep", "Grief"];
    private static readonly string[] Qualities = ["excellent", "good", "fair", "poor"];
    private static readonly string[] Providers = ["daily_co", "livekit", "beyond_presence"];

    [SkippableFact]
    public async Task SessionFigures_EqualADirectCountOverTheSessions_InEveryWindow_AsTheClockMoves()
    {
        // A long snapshot interval: the fake clock fires the snapshot timer once per interval it moves past.
        await using var app = await IsolatedApp.StartAsync(provider);
        var random = new Random(20261127);
        var t0 = IsolatedApp.T0;
        const int sessions = 600;

        // Starts over 35 days (some before every window), quality reports out of order, some sessions
        // started again with another category or start time, some ended; posted in concurrent batches
        // that share sessions, so the counts must be moved exactly once per change.
        var started = Enumerable.Range(0, sessions).Select(i => (object)new
        {
            session_id = $"s-{i}", type = "started", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 35 * 24 * 60))),
            category = Categories[random.Next(Categories.Length)], provider = Providers[random.Next(Providers.Length)],
        }).ToArray();
        foreach (var chunk in started.Chunk(200))
            await app.PostSessionEventsAsync(chunk);
        // And some exactly on whole hours, where a window's first hour begins or ends.
        var hourStart = new DateTimeOffset(t0.Year, t0.Month, t0.Day, t0.Hour, 0, 0, TimeSpan.Zero);
        await app.PostSessionEventsAsync(Enumerable.Range(0, 60).SelectMany(i => new object[]
        {
            new { session_id = $"edge-{i}", type = "started", at = IsolatedApp.Iso(hourStart.AddHours(-i * 13 % (31 * 24))), category = Categories[i % Categories.Length], provider = "livekit" },
            new { session_id = $"edge-{i}", type = "quality", at = IsolatedApp.Iso(hourStart.AddHours(-i * 7 % (31 * 24))), quality = Qualities[i % Qualities.Length] },
        }).ToArray());

        object Later(int i) => random.Next(10) switch
        {
            0 => new { session_id = $"s-{i}", type = "started", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 35 * 24 * 60))),
                category = Categories[random.Next(Categories.Length)], provider = Providers[random.Next(Providers.Length)] },
            1 => new { session_id = $"s-{i}", type = "ended", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 600))) },
            2 => new { session_id = $"s-{i}", type = "heartbeat", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 600))) },
            _ => new { session_id = $"s-{i}", type = "quality", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 35 * 24 * 60))),
                quality = Qualities[random.Next(Qualities.Length)] },
        };
        var batches = Enumerable.Range(0, 8).Select(_ => Enumerable.Range(0, 300).Select(_ => Later(random.Next(sessions))).ToArray()).ToList();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(batches.Select(b => app.PostSessionEventsAsync(b)));
        output.WriteLine($"{provider}: 8 concurrent batches of 300 events stored in {watch.ElapsedMilliseconds} ms");

        // Each step moves every window's cutoff, and so its first hour, across an hour boundary.
        // The last step puts the clock on a whole hour, so every cutoff falls exactly on an hour's start.
        foreach (var advance in new[] { TimeSpan.Zero, TimeSpan.FromMinutes(37), TimeSpan.FromMinutes(50), TimeSpan.FromHours(5), TimeSpan.FromMinutes(32.5) })
        {
            app.Time.Advance(advance);
            var snapshot = await app.RefreshAsync();
            var now = app.Time.GetUtcNow().UtcDateTime;
            foreach (var window in Enum.GetValues<MetricsWindow>())
            {
                var cutoff = now - window.Length();
                var (byCategory, byQuality) = await app.App.WithDbAsync(async db => (
                    await db.Sessions.Where(s => s.StartedAt >= cutoff).GroupBy(s => s.Category!.Name)
                        .Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key, g => g.Count),
                    await db.Sessions.Where(s => s.Quality != null && s.QualityAt >= cutoff).GroupBy(s => s.Quality!.Value)
                        .Select(g => new { g.Key, Count = g.LongCount() }).ToDictionaryAsync(g => g.Key.Name(), g => g.Count)));

                var figures = snapshot.Windows[window];
                var at = $"{window.Name()} window, {advance} later";
                if (window >= MetricsWindow.Week)
                    Assert.True(figures.TotalSessions > 0 && figures.QualityCounts.Values.Sum() > 0, $"no data in the {at}: the test proves nothing");
                Assert.Equal(Categories.Order().Select(c => (c, byCategory.GetValueOrDefault(c))), figures.ByCategory.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
                Assert.Equal(byCategory.Values.Sum(), figures.TotalSessions);
                Assert.Equal(Qualities.Order().Select(q => (q, byQuality.GetValueOrDefault(q))), figures.QualityCounts.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)));
            }
        }
    }

    [SkippableFact]
    public async Task RequestFigures_EqualADirectSumOverTheMinuteRows_PerHourAndForTheLastHour()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var random = new Random(11);
        var t0 = IsolatedApp.T0;
        for (var batch = 0; batch < 4; batch++)
        {
            await app.PostRequestsAsync(Enumerable.Range(0, 2_000).Select(_ => (object)new
            {
                service = $"svc-{random.Next(4)}", at = IsolatedApp.Iso(t0.AddMinutes(-random.Next(0, 8 * 24 * 60))),
                status = random.Next(20) == 0 ? 503 : 200, duration_ms = random.Next(0, 3_000),
            }));
        }

        var snapshot = await app.RefreshAsync();
        var nowMinute = RequestRollup.ToMinute(app.Time.GetUtcNow().UtcDateTime);
        var rows = await app.App.WithDbAsync(async db => (await db.RequestRollups.ToListAsync())
            .Select(r => new MinuteRow(r.Minute, r.Requests, r.Errors5xx,
                LatencyBucket.All.Select(b => db.Entry(r).Property<long>(b.Property).CurrentValue).ToArray()))
            .ToList());

        static RollupTotals Total(IEnumerable<MinuteRow> of)
        {
            var list = of.ToList();
            var buckets = new long[LatencyHistogram.BucketCount];
            foreach (var r in list)
            {
                for (var i = 0; i < buckets.Length; i++)
                    buckets[i] += r.Buckets[i];
            }
            return new RollupTotals(list.Sum(r => r.Requests), list.Sum(r => r.Errors5xx), buckets);
        }

        var lastHour = Total(rows.Where(r => r.Minute > nowMinute - 60 && r.Minute <= nowMinute));
        Assert.True(lastHour.Requests > 0);
        Assert.Equal(lastHour.Requests, snapshot.RequestsLastHour);
        Assert.Equal(lastHour.Errors5xx, snapshot.ErrorsLastHour);
        Assert.Equal(lastHour.P95Ms, snapshot.ApiResponseTimeP95);

        Assert.Equal(MetricsSnapshotService.MaxHours, snapshot.Hourly.Count);
        foreach (var point in snapshot.Hourly)
        {
            var hour = RequestRollup.ToMinute(point.Hour) / 60;
            var expected = Total(rows.Where(r => r.Minute / 60 == hour));
            Assert.Equal((expected.Requests, expected.Errors5xx, expected.P95Ms), (point.Requests, point.Errors, point.P95Ms));
        }
        Assert.True(snapshot.Hourly.Count(p => p.Requests > 0) > 150, "the generated outcomes should fill most of the week");
    }
}

internal sealed record MinuteRow(long Minute, long Requests, long Errors5xx, long[] Buckets);

public sealed class SqlitePreAggregationTests(ITestOutputHelper output) : PreAggregationTests(DatabaseProvider.Sqlite, output);

public sealed class PostgresPreAggregationTests(ITestOutputHelper output) : PreAggregationTests(DatabaseProvider.Postgres, output);
