using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

/// <summary>Exact figures from known data, on each provider, each test on a database of its own.</summary>
public abstract class MetricsApiTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    private static object Started(string id, DateTimeOffset at, string category = "Anxiety", string provider = "daily_co") =>
        new { session_id = id, type = "started", at = IsolatedApp.Iso(at), category, provider };

    private static object Heartbeat(string id, DateTimeOffset at) => new { session_id = id, type = "heartbeat", at = IsolatedApp.Iso(at) };

    private static object Quality(string id, DateTimeOffset at, string quality) => new { session_id = id, type = "quality", at = IsolatedApp.Iso(at), quality };

    private static object Ended(string id, DateTimeOffset at) => new { session_id = id, type = "ended", at = IsolatedApp.Iso(at) };

    private static IEnumerable<object> Outcomes(int count, DateTimeOffset at, int status, double ms, string service = "platform-api") =>
        Enumerable.Range(0, count).Select(_ => (object)new { service, at = IsolatedApp.Iso(at), status, duration_ms = ms, route = "/api/sessions" });

    [SkippableFact]
    public async Task ActiveSessions_CountOnlyUnendedSessionsSeenWithinTheStalenessWindow()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(
            Started("edge", T0.AddMinutes(-30)),                      // exactly 30 min: still active
            Started("stale", T0.AddMinutes(-30).AddSeconds(-1)),      // one second older: stale
            Started("old-but-alive", T0.AddHours(-2)), Heartbeat("old-but-alive", T0.AddMinutes(-10)),
            Started("ended", T0.AddMinutes(-5)), Ended("ended", T0.AddMinutes(-1)));
        await app.RefreshAsync();

        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal(2, current.GetProperty("active_sessions_count").GetInt64());

        app.Time.Advance(TimeSpan.FromSeconds(1));
        await app.RefreshAsync();
        Assert.Equal(1, (await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("active_sessions_count").GetInt64());
    }

    [SkippableFact]
    public async Task AverageQuality_IsUnknownWithoutReports_ThenTheMeanOfLatestReportsInTheLastHour()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.RefreshAsync();
        var empty = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal("unknown", empty.GetProperty("avg_connection_quality").GetString());
        Assert.Contains("quality", empty.GetProperty("unknown").GetProperty("avg_connection_quality").GetString());

        await app.PostSessionEventsAsync(
            Started("a", T0.AddMinutes(-50)), Quality("a", T0.AddMinutes(-40), "poor"), Quality("a", T0.AddMinutes(-20), "excellent"),
            Started("b", T0.AddMinutes(-50)), Quality("b", T0.AddMinutes(-10), "good"),
            Started("c", T0.AddHours(-3)), Quality("c", T0.AddMinutes(-61), "poor")); // older than an hour: left out
        await app.RefreshAsync();

        // (4 + 3) / 2 = 3.5 → excellent; had the stale "poor" counted it would be 2.67 → good.
        Assert.Equal("excellent", (await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("avg_connection_quality").GetString());
    }

    [SkippableFact]
    public async Task SessionsEndpoint_GivesTotalsByCategoryWithZeros_AndADistributionSummingTo100()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(
            Started("old", T0.AddDays(-40), category: "Grief"),
            Started("s1", T0.AddMinutes(-30), category: "Career"), Quality("s1", T0.AddMinutes(-29), "excellent"),
            Started("s2", T0.AddHours(-5), category: "Career"), Quality("s2", T0.AddHours(-5), "good"),
            Started("s3", T0.AddDays(-3), category: "Anxiety"), Quality("s3", T0.AddDays(-3), "fair"));
        await app.RefreshAsync();

        var month = await app.GetJsonAsync("/api/admin/metrics/sessions");
        Assert.Equal("30d", month.GetProperty("window").GetString());
        Assert.Equal(3, month.GetProperty("total_sessions").GetInt64());
        var byCategory = month.GetProperty("sessions_by_category");
        Assert.Equal(2, byCategory.GetProperty("Career").GetInt64());
        Assert.Equal(1, byCategory.GetProperty("Anxiety").GetInt64());
        Assert.Equal(0, byCategory.GetProperty("Grief").GetInt64());
        var distribution = month.GetProperty("connection_quality_distribution");
        var percents = new[] { "excellent", "good", "fair", "poor" }.Select(q => distribution.GetProperty(q).GetDouble()).ToArray();
        Assert.Equal(100.0, percents.Sum(), 9);
        Assert.Equal([33.4, 33.3, 33.3, 0], percents);

        var hour = await app.GetJsonAsync("/api/admin/metrics/sessions?window=1h");
        Assert.Equal(1, hour.GetProperty("total_sessions").GetInt64());
        Assert.Equal(100.0, hour.GetProperty("connection_quality_distribution").GetProperty("excellent").GetDouble());

        var day = await app.GetJsonAsync("/api/admin/metrics/sessions?window=24h");
        Assert.Equal(2, day.GetProperty("total_sessions").GetInt64());
        Assert.Equal(50.0, day.GetProperty("connection_quality_distribution").GetProperty("good").GetDouble());

        var bad = await app.Monitor.GetAsync("/api/admin/metrics/sessions?window=2w");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.True(JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("window", out _));
    }

    [SkippableFact]
    public async Task EmptyDatabase_GivesZerosAndUnknownsNeverInventedFigures()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.RefreshAsync();
        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal(0, current.GetProperty("active_sessions_count").GetInt64());
        Assert.Equal(0, current.GetProperty("error_rate_last_hour").GetDouble());
        Assert.Equal(JsonValueKind.Null, current.GetProperty("api_response_time_p95").ValueKind);
        Assert.Contains("no API requests", current.GetProperty("unknown").GetProperty("api_response_time_p95").GetString());
        Assert.Equal("healthy", current.GetProperty("system_health").GetString());

        var sessions = await app.GetJsonAsync("/api/admin/metrics/sessions");
        Assert.Equal(0, sessions.GetProperty("total_sessions").GetInt64());
        Assert.All(sessions.GetProperty("connection_quality_distribution").EnumerateObject(), p => Assert.Equal(0, p.Value.GetDouble()));
    }

    [SkippableFact]
    public async Task ErrorRateAndP95_ComeFromReportedOutcomes_AndDriveHealth()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostRequestsAsync([
            .. Outcomes(90, T0.AddMinutes(-10), 200, 20),
            .. Outcomes(5, T0.AddMinutes(-5), 503, 600, "video-gateway"),
            .. Outcomes(5, T0.AddMinutes(-5), 404, 600),
            .. Outcomes(50, T0.AddMinutes(-61), 500, 9000), // outside the last 60 minutes
        ]);
        await app.RefreshAsync();

        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal(100, current.GetProperty("requests_last_hour").GetInt64());
        Assert.Equal(0.05, current.GetProperty("error_rate_last_hour").GetDouble(), 9); // 404s are not errors
        Assert.Equal(625, current.GetProperty("api_response_time_p95").GetDouble());
        Assert.Equal("degraded", current.GetProperty("system_health").GetString());
        Assert.Equal(
            ["error rate 5 % > 2 % (degraded)", "p95 response time 625 ms > 500 ms (degraded)"],
            current.GetProperty("health_reasons").EnumerateArray().Select(r => r.GetString()!).ToArray());
        Assert.Equal("no-store", (await app.Monitor.GetAsync("/api/admin/metrics/current")).Headers.CacheControl!.ToString());
    }

    [SkippableFact]
    public async Task ErrorRateSeries_HasEveryHourOldestFirst_IncludingEmptyOnes()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostRequestsAsync([
            .. Outcomes(8, T0.AddHours(-3), 200, 40),
            .. Outcomes(2, T0.AddHours(-3), 500, 40),
            .. Outcomes(4, T0, 200, 3),
        ]);
        await app.RefreshAsync();

        var series = await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=24");
        var points = series.GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(24, points.Count);
        Assert.Equal("2026-11-26T12:00:00Z", points[^1].GetProperty("hour").GetString());
        Assert.Equal("2026-11-25T13:00:00Z", points[0].GetProperty("hour").GetString());
        var threeAgo = points[^4];
        Assert.Equal("2026-11-26T09:00:00Z", threeAgo.GetProperty("hour").GetString());
        Assert.Equal(10, threeAgo.GetProperty("requests").GetInt64());
        Assert.Equal(2, threeAgo.GetProperty("errors").GetInt64());
        Assert.Equal(0.2, threeAgo.GetProperty("error_rate").GetDouble(), 9);
        Assert.Equal(48.8, threeAgo.GetProperty("p95_ms").GetDouble()); // all ten in 25–50: 25 + 25 × 9.5/10 = 48.75
        var empty = points[^2];
        Assert.Equal(0, empty.GetProperty("requests").GetInt64());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("error_rate").ValueKind);
        Assert.Equal(4, points[^1].GetProperty("requests").GetInt64());
        Assert.Equal(0.02, series.GetProperty("thresholds").GetProperty("error_rate_degraded").GetDouble());
        Assert.Equal(1000, series.GetProperty("thresholds").GetProperty("p95_critical_ms").GetDouble());

        Assert.Equal(3, (await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=3")).GetProperty("points").GetArrayLength());
        foreach (var bad in new[] { "0", "169", "x" })
        {
            var response = await app.Monitor.GetAsync($"/api/admin/metrics/error-rate?hours={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("\"hours\"", await response.Content.ReadAsStringAsync());
        }
    }

    [SkippableFact]
    public async Task DbPool_FiguresRiseWhileConnectionsAreHeldOpen()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var before = await app.RefreshAsync();
        var scopes = Enumerable.Range(0, 4).Select(_ => app.App.Services.CreateAsyncScope()).ToList();
        try
        {
            foreach (var scope in scopes)
                await scope.ServiceProvider.GetRequiredService<MonitorDbContext>().Database.OpenConnectionAsync();
            await app.RefreshAsync();
            var held = await app.GetJsonAsync("/api/admin/metrics/db-pool");
            Assert.True(held.GetProperty("active").GetInt32() >= (before.DbPool.Active ?? 0) + 4, held.ToString());
            Assert.True(held.GetProperty("open_samples_5m").GetInt32() > 0);
            Assert.NotEqual(JsonValueKind.Null, held.GetProperty("wait_p95_ms").ValueKind);
            if (provider == DatabaseProvider.Postgres)
            {
                Assert.Equal("postgres", held.GetProperty("provider").GetString());
                Assert.Equal(100, held.GetProperty("size").GetInt32()); // Npgsql's default Maximum Pool Size
                Assert.True(held.GetProperty("idle").GetInt32() >= 0);
                Assert.Equal(0, held.GetProperty("pending").GetInt32());
            }
            else
            {
                Assert.Equal("sqlite", held.GetProperty("provider").GetString());
                Assert.Equal(JsonValueKind.Null, held.GetProperty("size").ValueKind);
                Assert.Contains("SQLite", held.GetProperty("unknown").GetProperty("db_pool_size").GetString());
            }
        }
        finally
        {
            foreach (var scope in scopes)
                await scope.DisposeAsync();
        }
        await app.RefreshAsync();
        var released = await app.GetJsonAsync("/api/admin/metrics/db-pool");
        Assert.True(released.GetProperty("active").GetInt32() <= (before.DbPool.Active ?? 0) + 1, released.ToString());
    }
}

public sealed class SqliteMetricsApiTests() : MetricsApiTests(DatabaseProvider.Sqlite);

public sealed class PostgresMetricsApiTests() : MetricsApiTests(DatabaseProvider.Postgres);
