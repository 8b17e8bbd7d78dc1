using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using MonitorApp.Kernel;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Bench;

// Measures what issue 10 asks, each comparison inside one run on one machine, and writes BENCHMARKS.md.
//   dotnet run -c Release --project bench/MonitorApp.Bench                  → full sizes, writes BENCHMARKS.md
//   dotnet run -c Release --project bench/MonitorApp.Bench -- --smoke --out F → seconds-long, for CI
//   … -- --exhaustion [--smoke]      → issue 28's sign-in flood and OTLP exports, its own section of the report
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var outPath = Option(args, "--out") ?? "BENCHMARKS.md";
        var sizes = Option(args, "--sizes")?.Split(',').Select(int.Parse).ToArray() ?? (smoke ? [2_000, 20_000] : [10_000, 1_000_000]);
        var providers = Option(args, "--providers")?.Split(',').Select(Enum.Parse<DatabaseProvider>).ToArray() ?? [DatabaseProvider.Postgres, DatabaseProvider.Sqlite];
        var http = !args.Contains("--no-http");
        var published = !http ? "" : Option(args, "--published") ?? await PublishAsync();
        if (args.Contains("--exhaustion"))
        {
            // Issue 28's exhaustion scenarios alone: its own section of the report, the rest left as it was.
            Console.Error.WriteLine("the exhaustion scenarios (sign-in flood, OTLP exports) against the published app …");
            var section = await ExhaustionBench.RunAsync(published, smoke);
            await ExhaustionBench.WriteSectionAsync(outPath, section);
            Console.WriteLine(section);
            return 0;
        }
        var rows = new List<Measurement>();
        var httpRows = new List<HttpMeasurement>();

        foreach (var provider in providers)
        {
            foreach (var sessions in sizes)
            {
                Console.Error.WriteLine($"{provider}, {sessions:N0} sessions …");
                await using var database = await TestDatabase.CreateAsync(provider);
                rows.Add(await SnapshotBench.RunAsync(database, sessions));
                if (http && sessions == sizes[^1])
                {
                    Console.Error.WriteLine($"{provider}, {sessions:N0} sessions, the published app over HTTP …");
                    httpRows.Add(await HttpBench.RunAsync(published, database, sessions, smoke));
                }
            }
        }

        var report = Report.Write(rows, httpRows, smoke);
        await File.WriteAllTextAsync(outPath, report);
        Console.WriteLine(report);
        return 0;
    }

    /// <summary>Publishes the app as the Dockerfile does, into a temporary folder; returns the path of its MonitorApp.dll.</summary>
    private static async Task<string> PublishAsync()
    {
        var output = Directory.CreateTempSubdirectory("monitor-bench-publish-").FullName;
        Console.Error.WriteLine($"publishing the app to {output} …");
        using var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", Path.Combine(Repository.Root, "MonitorApp", "MonitorApp.csproj"), "-c", "Release", "-o", output])
        {
            RedirectStandardOutput = true,
        })!;
        var log = await publish.StandardOutput.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0)
            throw new InvalidOperationException($"dotnet publish failed:\n{log}");
        return Path.Combine(output, "MonitorApp.dll");
    }

    private static string? Option(string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}

internal sealed record Measurement(
    DatabaseProvider Provider, int Sessions, long RollupRows, double IngestEventsPerSecond,
    double SnapshotMedianMs, double NaiveMedianMs, int SnapshotQueries, double JustLoadedSnapshotMedianMs);

internal static class SnapshotBench
{
    public static readonly string[] Categories = ["Anxiety", "Career", "Exams", "Sleep", "Grief", "Family", "Study", "Stress"];
    public static readonly string[] Qualities = ["excellent", "good", "fair", "poor"];

    /// <summary>Seeds <paramref name="database"/> through the in-process app and measures it; the data stays for the HTTP benchmark.</summary>
    public static async Task<Measurement> RunAsync(TestDatabase database, int sessions)
    {
        var provider = database.Provider;
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
            {
                ["Metrics:SnapshotSeconds"] = "300",
                ["RateLimits:IngestPerTokenPerMinute"] = "1000000", // the limiter stays in the pipeline; the seeding must not wait on it
            },
            TestDatabase.Existing(provider, database.ConnectionString));
        var t0 = IsolatedApp.T0;
        var random = new Random(sessions);

        // Sessions over 30 days, started and with a quality, through the ingestion API: 4 clients, 5,000-event batches.
        // In time order, as a platform reports them over a month (each batch touches a few hours, not all of them).
        var starts = Enumerable.Range(0, sessions).Select(i => (Id: i, At: t0.AddSeconds(-random.Next(0, 30 * 24 * 3600)))).OrderBy(s => s.At).ToList();
        var events = starts.SelectMany(s => new object[]
        {
            new { session_id = $"b-{s.Id}", type = "started", at = IsolatedApp.Iso(s.At), category = Categories[s.Id % Categories.Length], provider = "livekit" },
            new { session_id = $"b-{s.Id}", type = "quality", at = IsolatedApp.Iso(s.At.AddMinutes(1)), quality = Qualities[random.Next(4)] },
        }).Chunk(5_000).ToList();
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < events.Count)
            {
                var response = await app.Ingest.PostAsJsonAsync("/api/ingest/session-events", new { events = events[index] });
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
            }
        }));
        var eventsPerSecond = sessions * 2 / watch.Elapsed.TotalSeconds;
        // The benchmark's own copy of the events (millions of objects) must not put GC pauses into the timings below.
        events = null!;
        starts = null!;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // A week of per-minute outcomes for five services (the snapshot reads 168 hours).
        var minutes = 7 * 24 * 60;
        foreach (var chunk in Enumerable.Range(0, minutes * 5).Chunk(10_000))
        {
            await app.PostRequestsAsync(chunk.Select(i => (object)new
            {
                service = $"svc-{i % 5}", at = IsolatedApp.Iso(t0.AddMinutes(-(i / 5))), status = i % 40 == 0 ? 500 : 200, duration_ms = i % 700,
            }));
        }
        var rollupRows = await app.App.WithDbAsync(db => db.RequestRollups.LongCountAsync());

        await app.RefreshAsync(); // warm
        int queries;
        using (var counter = CommandCounter.ForThisFlow(app.Database.ConnectionString))
        {
            await app.RefreshAsync();
            queries = counter.Count;
        }
        // Right after a bulk load the counter tables are full of dead row versions and the planner has no
        // statistics; autovacuum settles both within a minute or so. Both states are measured, the settled one judged.
        var justLoaded = await MedianMsAsync(9, () => app.RefreshAsync());
        if (provider == DatabaseProvider.Postgres)
            await app.App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("VACUUM ANALYZE"));
        else
            await app.App.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("ANALYZE"));
        var snapshot = await MedianMsAsync(9, () => app.RefreshAsync());
        var naive = await MedianMsAsync(3, () => app.App.WithDbAsync(db => NaiveFigures.ComputeAsync(db, t0.UtcDateTime)));
        return new Measurement(provider, sessions, rollupRows, eventsPerSecond, snapshot, naive, queries, justLoaded);
    }

    private static async Task<double> MedianMsAsync(int runs, Func<Task> action)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var watch = Stopwatch.StartNew();
            await action();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}

/// <summary>The same session and request figures the way the first version computed them: load the rows of the window, loop.</summary>
internal static class NaiveFigures
{
    public static async Task<int> ComputeAsync(MonitorDbContext db, DateTime now)
    {
        var c30d = now.AddDays(-30);
        var sessions = await db.Sessions.AsNoTracking().Where(s => s.StartedAt >= c30d || s.QualityAt >= c30d)
            .Select(s => new { s.StartedAt, s.CategoryId, s.Quality, s.QualityAt }).ToListAsync();
        var counts = new Dictionary<(int, int), long>();
        foreach (var s in sessions)
        {
            foreach (var (w, cutoff) in new[] { (0, now.AddHours(-1)), (1, now.AddDays(-1)), (2, now.AddDays(-7)), (3, c30d) })
            {
                if (s.StartedAt >= cutoff)
                    counts[(w, s.CategoryId)] = counts.GetValueOrDefault((w, s.CategoryId)) + 1;
                if (s.Quality is { } q && s.QualityAt >= cutoff)
                    counts[(w, 1000 + (int)q)] = counts.GetValueOrDefault((w, 1000 + (int)q)) + 1;
            }
        }
        var fromMinute = TimeBuckets.Minute(now) - 168 * 60;
        var rollups = await db.RequestRollups.AsNoTracking().Where(r => r.Minute >= fromMinute).Select(r => new { r.Minute, r.Requests, r.Errors5xx }).ToListAsync();
        var hours = rollups.GroupBy(r => r.Minute / 60).ToDictionary(g => g.Key, g => (g.Sum(r => r.Requests), g.Sum(r => r.Errors5xx)));
        return counts.Count + hours.Count;
    }
}
