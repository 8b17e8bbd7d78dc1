using System.Diagnostics;
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
        Assert.Contains("database unreachable", current.GetProperty("stale_reason").GetString());
        Assert.Equal("critical", current.GetProperty("system_health").GetString());
        Assert.Contains("database unreachable (critical)", current.GetProperty("health_reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, current.GetProperty("active_sessions_count").GetInt64()); // the last good figure, not a zero
    }

    [Fact]
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
        var page = await MonitorAppFactory.ParseAsync(await app.Monitor.GetAsync("/admin/dashboard"));
        Assert.Equal("1", page.QuerySelector("#active-count")!.TextContent.Trim());
        Assert.Contains("■ Critical", page.QuerySelector("#card-health .status")!.TextContent.Replace("\n", " ").Trim().Replace("  ", " "));
        var stale = page.QuerySelector("#card-health .stale")!.TextContent;
        Assert.Contains("stale, 20 s old: database unreachable", stale);
    }

    [SkippableFact]
    public async Task Postgres_ServerStopped_GoesStale_ThenRecoversWhenItIsBack()
    {
        var script = Path.Combine(RepositoryRoot(), ".ci", "postgres.sh");
        TestEnvironment.Require(File.Exists("/usr/lib/postgresql/15/bin/initdb") || Environment.GetEnvironmentVariable("PGBIN") is not null,
            "PostgreSQL server binaries (initdb, pg_ctl) are not installed: this test stops and restarts a private cluster.");
        var directory = Path.Combine(Path.GetTempPath(), $"monitor-pg-{Guid.NewGuid():N}");
        var connectionString = (await RunAsync(script, "start", directory)).Trim();
        try
        {
            var database = TestDatabase.Existing(DatabaseProvider.Postgres, connectionString);
            await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, database: database);
            await app.PostSessionEventsAsync(Started("s-1"));
            Assert.False((await app.RefreshAsync()).Stale);
            Assert.False((await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("stale").GetBoolean()); // a consumer polling

            await RunAsync(script, "stop", directory);
            await AssertStaleAndCriticalAsync(app);

            await RunAsync(script, "resume", directory);
            JsonElement current = default;
            for (var attempt = 0; attempt < 20; attempt++)
            {
                // The pool's old connections died with the server; the first uses may still fail.
                if (!(await app.RefreshAsync()).Stale)
                    break;
                await Task.Delay(250);
            }
            current = await app.GetJsonAsync("/api/admin/metrics/current");
            Assert.False(current.GetProperty("stale").GetBoolean(), current.ToString());
            Assert.NotEqual("critical", current.GetProperty("system_health").GetString());
            Assert.Equal(1, current.GetProperty("active_sessions_count").GetInt64());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await RunAsync(script, "stop", directory);
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MonitorApp.sln")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MonitorApp.sln not found above " + AppContext.BaseDirectory);
    }

    private static async Task<string> RunAsync(string script, params string[] args)
    {
        var start = new ProcessStartInfo("bash", [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{script} {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }
}
