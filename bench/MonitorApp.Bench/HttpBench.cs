using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using MonitorApp.Web;
using Npgsql;

namespace MonitorApp.Bench;

internal sealed record HttpMeasurement(
    DatabaseProvider Provider, int Sessions,
    double HealthzPerSecond, double CurrentPerSecond, double CardsPerSecond,
    double? TransactionsPerSecondOnePoller, double? TransactionsPerSecondManyPollers, int ManyPollers,
    double IngestEventsPerSecond, long IngestedEvents, long ResidentBytesIdle, long ResidentBytesAfterLoad, long PeakResidentBytes,
    (long Anonymous, long Files, long Shared) AfterLoadByKind);

/// <summary>
/// The published app as its own process on a seeded database, driven over real HTTP by <c>wrk</c>: throughput of the
/// figures and of a dashboard refresh against <c>/healthz</c> (same server, same run), database transactions per
/// second as pollers grow (PostgreSQL's own counter), HTTP ingestion, and resident memory after it.
/// </summary>
internal static partial class HttpBench
{
    public static async Task<HttpMeasurement> RunAsync(string publishedDll, TestDatabase database, int sessions, bool smoke)
    {
        var seconds = smoke ? 1 : 5;
        var runs = smoke ? 1 : 3;
        var environment = AppProcess.ProductionSettings(database.Provider,
            database.Provider == DatabaseProvider.Postgres ? database.ConnectionString + ";Maximum Pool Size=40" : database.ConnectionString);
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["RateLimits__IngestPerTokenPerMinute"] = "1000000"; // measured with the limiter in the pipeline, never binding
        var readToken = await AppProcess.CreateTokenAsync(environment, publishedDll, $"bench-read-{Guid.NewGuid():N}", Roles.SystemMonitor);
        var ingestToken = await AppProcess.CreateTokenAsync(environment, publishedDll, $"bench-ingest-{Guid.NewGuid():N}", Roles.Ingest);
        var email = $"bench-{Guid.NewGuid():N}@example.test";
        var password = await AppProcess.AddUserAsync(environment, publishedDll, email, Roles.SystemMonitor);

        await using var app = await AppProcess.StartAsync(environment, publishedDll);
        var cookie = await SignInAsync(app.BaseUrl, email, password);
        string[] bearer = ["Authorization: Bearer " + readToken];
        string[] browser = ["Cookie: " + cookie, "HX-Request: true", "HX-Current-URL: " + app.BaseUrl + "/admin/dashboard"];

        // Warm every route, then take turns so each ratio compares runs under the same conditions.
        foreach (var (path, headers) in new[] { ("/healthz", Array.Empty<string>()), ("/api/admin/metrics/current", bearer), ("/admin/dashboard?handler=Cards", browser) })
            await WrkAsync(app.BaseUrl + path, headers, 1, 10);
        var residentIdle = app.ResidentBytes();
        var (healthz, current, cards) = (new List<double>(), new List<double>(), new List<double>());
        for (var run = 0; run < runs; run++)
        {
            healthz.Add(await WrkAsync(app.BaseUrl + "/healthz", [], seconds, 50));
            current.Add(await WrkAsync(app.BaseUrl + "/api/admin/metrics/current", bearer, seconds, 50));
            cards.Add(await WrkAsync(app.BaseUrl + "/admin/dashboard?handler=Cards", browser, seconds, 50));
        }

        // Database work per second with one poller and with many: constant when requests cost the database nothing.
        const int manyPollers = 200;
        double? onePoller = null, manyPollersRate = null;
        if (database.Provider == DatabaseProvider.Postgres)
        {
            onePoller = await TransactionsPerSecondAsync(database, () => WrkAsync(app.BaseUrl + "/api/admin/metrics/current", bearer, seconds * 2, 1));
            manyPollersRate = await TransactionsPerSecondAsync(database, () => WrkAsync(app.BaseUrl + "/api/admin/metrics/current", bearer, seconds * 2, manyPollers));
        }

        // Ingestion over HTTP: 4 clients × 5,000-event batches of new sessions, then resident memory.
        var ingestSessions = smoke ? 10_000 : 250_000;
        using var ingest = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        ingest.DefaultRequestHeaders.Authorization = new("Bearer", ingestToken);
        var now = DateTime.UtcNow;
        var batches = Enumerable.Range(0, ingestSessions).SelectMany(i => new object[]
        {
            new { session_id = $"h-{i}", type = "started", at = now.AddSeconds(-i % 86_400).ToString("O"), category = SnapshotBench.Categories[i % SnapshotBench.Categories.Length], provider = "daily_co" },
            new { session_id = $"h-{i}", type = "quality", at = now.AddSeconds(-i % 86_400 + 30).ToString("O"), quality = SnapshotBench.Qualities[i % 4] },
        }).Chunk(5_000).ToList();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < batches.Count)
            {
                var response = await ingest.PostAsJsonAsync("/api/ingest/session-events", new { events = batches[index] });
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"ingestion refused: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
        }));
        var ingestRate = ingestSessions * 2 / watch.Elapsed.TotalSeconds;
        await Task.Delay(Settle(smoke));
        var residentAfter = app.ResidentBytes();
        var peak = app.PeakResidentBytes();
        var byKind = app.ResidentByKind();

        return new HttpMeasurement(database.Provider, sessions, Median(healthz), Median(current), Median(cards),
            onePoller, manyPollersRate, manyPollers, ingestRate, ingestSessions * 2L, residentIdle, residentAfter, peak, byKind);
    }

    /// <summary>
    /// How long after the ingestion load memory is read: what stays, not what a batch briefly needed. The app gives back what
    /// a burst left at the end of the first whole quiet interval, at most two of <see cref="IdleMemoryTrim.Interval"/> after
    /// the load; a third is margin. (Smoke mode: a second; its load is no burst.)
    /// </summary>
    public static TimeSpan Settle(bool smoke) => smoke ? TimeSpan.FromSeconds(1) : IdleMemoryTrim.Interval * 3;

    private static async Task<string> SignInAsync(string baseUrl, string email, string password)
    {
        var jar = new CookieContainer();
        using var client = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } }) { BaseAddress = new Uri(baseUrl) };
        var response = await MonitorAppFactory.LoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"sign-in failed: {(int)response.StatusCode}");
        return jar.GetCookieHeader(new Uri(baseUrl));
    }

    /// <summary>Runs wrk and returns successful requests per second; any non-2xx answer or socket error fails the benchmark.</summary>
    private static async Task<double> WrkAsync(string url, string[] headers, int seconds, int connections)
    {
        string[] args = ["-t", Math.Min(2, connections).ToString(CultureInfo.InvariantCulture), "-c", connections.ToString(CultureInfo.InvariantCulture),
            "-d", $"{seconds}s", "--timeout", "10s", .. headers.SelectMany(h => new[] { "-H", h }), url];
        using var process = Process.Start(new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true })
            ?? throw new InvalidOperationException("wrk did not start (apt-get install wrk)");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || output.Contains("Non-2xx") || output.Contains("Socket errors"))
            throw new InvalidOperationException($"wrk against {url} reported failures:\n{output}{await process.StandardError.ReadToEndAsync()}");
        return double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private static async Task<double> TransactionsPerSecondAsync(TestDatabase database, Func<Task<double>> load)
    {
        async Task<long> TransactionsAsync()
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT pg_stat_force_next_flush(); SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.NextResultAsync();
            await reader.ReadAsync();
            return reader.GetInt64(0);
        }
        var before = await TransactionsAsync();
        var watch = Stopwatch.StartNew();
        await load();
        // An idle backend hands its statistics to the shared counters within 10 s (PostgreSQL 15): wait that out,
        // so both measurements see the same lag and the background work (snapshots, flushes) counts in both alike.
        await Task.Delay(TimeSpan.FromSeconds(11));
        var elapsed = watch.Elapsed.TotalSeconds;
        return (await TransactionsAsync() - before - 2) / elapsed; // less this method's own two transactions
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();
}
