using System.Text.Json;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using Npgsql;

namespace MonitorApp.Tests.Metrics;

/// <summary>When the database goes away the last good figures stay, marked stale, and health turns critical.</summary>
public sealed class StaleSnapshotTests
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    private static object Started(string id) =>
        new { session_id = id, type = "started", at = IsolatedApp.Iso(T0.AddMinutes(-1)), category = "Career", provider = "livekit" };

    private static async Task AssertStaleAndCriticalAsync(IsolatedApp app)
    {
        await app.RefreshAsync();
        app.Time.Advance(TimeSpan.FromSeconds(20));
        await app.RefreshAsync();
        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.True(current.GetProperty("stale").GetBoolean());
        Assert.True(current.GetProperty("stale_seconds").GetDouble() >= 20, current.ToString());
        Assert.Equal("database unreachable", current.GetProperty("stale_reason").GetString()); // no exception text: that goes to the log
        Assert.Equal("critical", current.GetProperty("system_health").GetString());
        Assert.Contains("database unreachable (critical)", current.GetProperty("health_reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, current.GetProperty("active_sessions_count").GetInt64()); // the last good figure, not a zero
    }

    [SkippableFact]
    public async Task Sqlite_FileGone_KeepsLastFiguresMarkedStale()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-stale-");
        var database = TestDatabase.Existing(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "monitor.db")};Pooling=False");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, database: database);
        await app.PostSessionEventsAsync(Started("s-1"));
        Assert.False((await app.RefreshAsync()).Stale);
        Assert.False((await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("stale").GetBoolean()); // a consumer polling

        directory.Delete(recursive: true);
        await AssertStaleAndCriticalAsync(app);

        // The dashboard says the same: the figures it shows, their age and why.
        var dashboardResponse = await app.Monitor.GetAsync("/admin/dashboard");
        Assert.True(dashboardResponse.IsSuccessStatusCode, $"{dashboardResponse.StatusCode} {await dashboardResponse.Content.ReadAsStringAsync()}");
        var page = await MonitorAppFactory.ParseAsync(dashboardResponse);
        Assert.Equal("1", page.QuerySelector("#active-count")!.TextContent.Trim());
        Assert.Contains("■ Critical", page.QuerySelector("#card-health .status")!.TextContent.Replace("\n", " ").Trim().Replace("  ", " "));
        var stale = page.QuerySelector("#card-health .stale")!.TextContent;
        Assert.Contains("stale, 20 s old: database unreachable", stale);

        // The wall screen says it across the room: a banner over everything.
        var wall = await MonitorAppFactory.ParseAsync(await app.Monitor.GetAsync("/admin/dashboard?kiosk=1"));
        var banner = wall.QuerySelector("#kiosk-status .kiosk-stale[role=alert]")!.TextContent;
        Assert.Contains("Data is stale", banner);
        Assert.Contains("20 s old: database unreachable", banner);
    }

    [SkippableFact]
    public async Task Postgres_ServerStopped_GoesStale_ThenRecoversWhenItIsBack()
    {
        var unavailable = PostgresCluster.Unavailable();
        TestEnvironment.Require(unavailable is null, $"this test stops and restarts a private cluster, but {unavailable}");
        PostgresCluster cluster;
        try
        {
            cluster = await PostgresCluster.StartAsync();
        }
        catch (InvalidOperationException ex)
        {
            TestEnvironment.Require(false, $"this test stops and restarts a private cluster, which did not start: {ex.Message}");
            throw;
        }
        try
        {
            var database = TestDatabase.Existing(DatabaseProvider.Postgres, cluster.ConnectionString);
            await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, database: database);
            await app.PostSessionEventsAsync(Started("s-1"));
            Assert.False((await app.RefreshAsync()).Stale);
            Assert.False((await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("stale").GetBoolean()); // a consumer polling

            await cluster.StopAsync();
            await AssertStaleAndCriticalAsync(app);

            await cluster.ResumeAsync();
            // The pool's old connections died with the server; the first uses may still fail.
            await Eventually.HoldsAsync(async () => !(await app.RefreshAsync()).Stale, TimeSpan.FromSeconds(5), "a fresh snapshot once the database is back",
                TimeSpan.FromMilliseconds(250));
            var current = await app.GetJsonAsync("/api/admin/metrics/current");
            Assert.False(current.GetProperty("stale").GetBoolean(), current.ToString());
            Assert.NotEqual("critical", current.GetProperty("system_health").GetString());
            Assert.Equal(1, current.GetProperty("active_sessions_count").GetInt64());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.DestroyAsync();
        }
    }
}
