using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using MonitorApp.Alerts;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

/// <summary>GET /metrics: the dashboard's figures for Prometheus, the same as the JSON API's, valid for promtool.</summary>
public sealed class PrometheusExportTests
{
    private static Dictionary<string, double> Samples(string body) =>
        body.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => double.Parse(p[1], CultureInfo.InvariantCulture));

    private static async Task<string> ScrapeAsync(HttpClient client)
    {
        var response = await client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    [SkippableFact]
    public async Task TheScrape_CarriesTheSameFiguresAsTheJsonApi_AndWhatWasIngested()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        var at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1));
        await app.PostSessionEventsAsync(
            new { session_id = "p1", type = "started", at, category = "Career", provider = "livekit" },
            new { session_id = "p2", type = "started", at, category = "Career", provider = "daily_co" });
        await app.PostRequestsAsync(Enumerable.Range(0, 100).Select(i => (object)new { service = "api", at, status = i < 10 ? 503 : 200, duration_ms = 40 + i }));
        await app.RefreshAsync();

        var samples = Samples(await ScrapeAsync(app.Monitor));
        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal(2, samples["monitorapp_active_sessions"]);
        Assert.Equal(current.GetProperty("active_sessions_count").GetInt64(), samples["monitorapp_active_sessions"]);
        Assert.Equal(0.1, samples["monitorapp_api_error_ratio"], 9);
        Assert.Equal(current.GetProperty("error_rate_last_hour").GetDouble(), samples["monitorapp_api_error_ratio"], 9);
        Assert.Equal(100, samples["monitorapp_api_requests_last_hour"]);
        Assert.Equal(current.GetProperty("api_response_time_p95").GetDouble() / 1000, samples["monitorapp_api_response_time_p95_seconds"], 4); // the JSON rounds to 0.1 ms
        var level = current.GetProperty("system_health").GetString() switch { "healthy" => 0, "degraded" => 1, _ => 2 };
        Assert.Equal(level, samples["monitorapp_health_level"]);
        // SQLite has no pool size to tell: unknown in the JSON, absent here (never a made-up 0).
        if (current.GetProperty("db_pool_size").ValueKind == JsonValueKind.Null)
            Assert.DoesNotContain("monitorapp_db_pool_max_connections", samples.Keys);
        else
            Assert.Equal(current.GetProperty("db_pool_size").GetInt32(), samples["monitorapp_db_pool_max_connections"]);
        Assert.Equal(current.GetProperty("db_pool_active").GetInt32(), samples["monitorapp_db_pool_active_connections"]);
        Assert.Equal(2, samples["monitorapp_ingested_items_total{route=\"session-events\"}"]);
        Assert.Equal(100, samples["monitorapp_ingested_items_total{route=\"requests\"}"]);
        foreach (var rule in AlertRules.All)
            Assert.Contains(samples.Keys, k => k.StartsWith($"monitorapp_alert_state{{rule=\"{rule.Name}\"", StringComparison.Ordinal));
        // The providers are not probed here: their status is unknown, so it is absent rather than a made-up number.
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("monitorapp_external_service_status", StringComparison.Ordinal));
        // ASP.NET Core's and the runtime's own.
        Assert.Contains(samples.Keys, k => k.StartsWith("microsoft_aspnetcore_hosting_http_server_request_duration_bucket", StringComparison.Ordinal));
        Assert.Contains(samples.Keys, k => k.StartsWith("process_cpu_seconds_total", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task TheQualityGauges_AreTheJsonApisLastHour_AndAProviderWithoutWindowsHasZeroOfThem()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        var start = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-10));
        await app.PostSessionEventsAsync(new { session_id = "q1", type = "started", at = start, category = "Career", provider = "livekit" });
        await app.PostSessionEventsAsync(Enumerable.Range(0, 10).Select(i => (object)new
        {
            session_id = "q1", type = "stats", at = IsolatedApp.Iso(IsolatedApp.T0.AddSeconds(-300 + i * 10)), direction = "receive", kind = "audio",
            window_seconds = 10, packet_loss_pct = i < 3 ? 10 : 0, rtt_ms = i < 3 ? 500 : 40, jitter_ms = 5,
        }).ToArray());
        await app.RefreshAsync();

        var samples = Samples(await ScrapeAsync(app.Monitor));
        var livekit = (await app.GetJsonAsync("/api/admin/metrics/quality?window=1h")).GetProperty("providers").EnumerateArray()
            .Single(p => p.GetProperty("provider").GetString() == "livekit");
        Assert.Equal(10, samples["monitorapp_quality_windows_last_hour{provider=\"livekit\"}"]);
        Assert.Equal(livekit.GetProperty("mos_median").GetDouble(), samples["monitorapp_quality_mos_median{provider=\"livekit\"}"]);
        Assert.Equal(livekit.GetProperty("mos_p10").GetDouble(), samples["monitorapp_quality_mos_p10{provider=\"livekit\"}"]);
        Assert.Equal(0.3, samples["monitorapp_quality_poor_ratio{provider=\"livekit\"}"]);
        // No call measured on daily_co: a true 0 windows, and no MOS figure at all (never a made-up one).
        Assert.Equal(0, samples["monitorapp_quality_windows_last_hour{provider=\"daily_co\"}"]);
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("monitorapp_quality_mos_median{provider=\"daily_co\"", StringComparison.Ordinal));
        Assert.DoesNotContain(samples.Keys, k => k.StartsWith("monitorapp_quality_poor_ratio{provider=\"daily_co\"", StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task TheScrape_IsForMonitors_AndMachinesGetAStatusNotALoginPage()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        var anonymous = await app.App.CreateBrowserClient().GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, (await app.Ingest.GetAsync("/metrics")).StatusCode);
        await ScrapeAsync(await app.App.CreateClientAsAsync(Roles.SystemMonitor));
    }

    [SkippableFact]
    public async Task TheScrape_PassesPromtoolsCheck()
    {
        TestEnvironment.Require(File.Exists("/usr/bin/promtool"), "promtool was not found at /usr/bin/promtool: apt-get install prometheus");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        await app.PostSessionEventsAsync(new { session_id = "p1", type = "started", at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1)), category = "Career", provider = "livekit" });
        await app.RefreshAsync();
        var body = await ScrapeAsync(app.Monitor);

        using var promtool = Process.Start(new ProcessStartInfo("/usr/bin/promtool", ["check", "metrics"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        await promtool.StandardInput.WriteAsync(body);
        promtool.StandardInput.Close();
        var output = await promtool.StandardOutput.ReadToEndAsync() + await promtool.StandardError.ReadToEndAsync();
        await promtool.WaitForExitAsync();
        Assert.True(promtool.ExitCode == 0 && output.Trim().Length == 0, $"promtool check metrics: exit {promtool.ExitCode}\n{output}");
    }
}
