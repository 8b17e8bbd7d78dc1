using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Data;

/// <summary>
/// PostgreSQL stopped for 30 s under a running MonitorApp process: ingestion says 503 with Retry-After (never 200 for
/// what it did not store), the dashboard says "database unreachable" with the figures' age, and everything comes back
/// without a restart — a client that retries on 503 ends with exactly the sessions it sent.
/// </summary>
public sealed class DatabaseOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task DatabaseDown30Seconds_IngestionSays503_TheDashboardSaysUnreachable_AndARetryingClientEndsWithExactlyWhatItSent()
    {
        var unavailable = PostgresCluster.Unavailable();
        TestEnvironment.Require(unavailable is null, $"this test stops and restarts a private cluster, but {unavailable}");
        var cluster = await PostgresCluster.StartAsync();
        try
        {
            var settings = AppProcess.ProductionSettings(DatabaseProvider.Postgres, cluster.ConnectionString + ";Maximum Pool Size=20;Timeout=3");
            settings["Metrics__SnapshotSeconds"] = "1";
            var (code, _, stderr) = await AppProcess.RunAsync(settings, null, "db", "migrate");
            Assert.True(code == 0, stderr);
            var ingestToken = await AppProcess.CreateTokenAsync(settings, null, "outage-ingest", Roles.Ingest);
            var password = await AppProcess.AddUserAsync(settings, null, "operator@example.test", Roles.SystemMonitor);
            await using var app = await AppProcess.StartAsync(settings);

            using var viewer = new HttpClient(new CookieContainerHandler(new CookieContainer()) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } })
            {
                BaseAddress = new Uri(app.BaseUrl),
            };
            Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(viewer, "operator@example.test", password)).StatusCode);
            viewer.DefaultRequestHeaders.Add("HX-Request", "true");

            using var ingest = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
            ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
            var sent = new List<string>();
            var statuses = new Dictionary<HttpStatusCode, int>();
            using var stop = new CancellationTokenSource();

            // The platform: a batch of 20 new sessions every 200 ms, each sent again after Retry-After while the answer is 503.
            var client = Task.Run(async () =>
            {
                for (var batch = 0; !stop.IsCancellationRequested; batch++)
                {
                    var ids = Enumerable.Range(0, 20).Select(i => $"outage-{batch}-{i}").ToList();
                    var at = DateTime.UtcNow.AddSeconds(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
                    var body = new { events = ids.Select(id => new { session_id = id, type = "started", at, category = "Career", provider = "livekit" }) };
                    while (true)
                    {
                        var response = await ingest.PostAsJsonAsync("/api/ingest/session-events", body);
                        lock (statuses)
                            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
                        if (response.StatusCode == HttpStatusCode.OK)
                            break;
                        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                        var retryAfter = int.Parse(response.Headers.GetValues("Retry-After").Single());
                        Assert.InRange(retryAfter, 1, 60);
                        await Task.Delay(TimeSpan.FromSeconds(retryAfter));
                    }
                    sent.AddRange(ids);
                    await Task.Delay(200);
                }
            });

            await Eventually.HoldsAsync(() => client.IsCompleted || sent.Count >= 5, TimeSpan.FromSeconds(30), "the client sending its first batches");
            Assert.False(client.IsCompleted, client.Exception?.ToString());
            await cluster.StopAsync();
            var down = Stopwatch.StartNew();

            // While it is down, the operator's dashboard refreshes and tells the truth.
            string cards = "";
            while (down.Elapsed < Outage)
            {
                var response = await viewer.GetAsync("/admin/dashboard?handler=Cards");
                cards = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"cards during the outage: {(int)response.StatusCode} {cards}");
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
            var health = HealthCard(cards);
            Assert.Contains("Critical", health.Status);
            Assert.Matches(@"stale, \d+ s old: database unreachable", health.Stale);
            Assert.False(client.IsCompleted, client.Exception?.ToString());

            await cluster.ResumeAsync();
            output.WriteLine($"database down for {down.Elapsed.TotalSeconds:F0} s");

            // Back without a restart: the figures are fresh again and count every session the client sent.
            await Eventually.HoldsAsync(async () =>
            {
                var response = await viewer.GetAsync("/admin/dashboard?handler=Cards");
                return response.StatusCode == HttpStatusCode.OK && HealthCard(await response.Content.ReadAsStringAsync()).Stale is null;
            }, TimeSpan.FromSeconds(30), "fresh figures after the database came back", TimeSpan.FromMilliseconds(500));
            // The client goes on sending after the recovery, then stops.
            var atRecovery = sent.Count;
            await Eventually.HoldsAsync(() => client.IsCompleted || sent.Count >= atRecovery + 5, TimeSpan.FromSeconds(30), "batches accepted after the recovery");
            stop.Cancel();
            await client;

            output.WriteLine($"answers: {string.Join(", ", statuses.Select(s => $"{(int)s.Key}×{s.Value}"))}; {sent.Count} sessions sent");
            Assert.True(statuses.GetValueOrDefault(HttpStatusCode.ServiceUnavailable) > 0, "the outage was never seen by the client");
            await using var db = new NpgsqlConnection(cluster.ConnectionString);
            await db.OpenAsync();
            await using var query = new NpgsqlCommand("SELECT session_id FROM sessions ORDER BY session_id", db);
            var stored = new List<string>();
            await using (var reader = await query.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                    stored.Add(reader.GetString(0));
            }
            Assert.Equal(sent.Order(StringComparer.Ordinal), stored);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.DestroyAsync();
        }
    }

    /// <summary>The health card's verdict and its stale line (null when the figures are fresh).</summary>
    private static (string Status, string? Stale) HealthCard(string cards)
    {
        var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(cards);
        return (page.QuerySelector("#card-health .status")?.TextContent ?? "", page.QuerySelector("#card-health .stale")?.TextContent);
    }
}
