using System.Net;
using System.Text.Json;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Health:ErrorRateDegraded", "0.1", "Health:ErrorRateDegraded (0.1) must be below Health:ErrorRateCritical")]
    [InlineData("Health:P95CriticalMs", "100", "Health:P95DegradedMs (500) must be below Health:P95CriticalMs (100)")]
    [InlineData("Metrics:SnapshotSeconds", "0", "Metrics:SnapshotSeconds must be between 1 and 300")]
    [InlineData("Telemetry:FlushSeconds", "60", "Telemetry:FlushSeconds must be between 1 and 10")]
    [InlineData("Database:Provider", "Postgres", "ConnectionStrings:Monitor is required")]
    [InlineData("ExternalServices:Services:livekit:Url", "status.livekit.io", "ExternalServices:Services:livekit:Url must be an absolute http or https URL (got 'status.livekit.io')")]
    [InlineData("ExternalServices:Services:livekit:Kind", "rss", "ExternalServices:Services:livekit:Kind must be 'statuspage' or 'http' (got 'rss')")]
    [InlineData("ExternalServices:TimeoutSeconds", "0", "ExternalServices:TimeoutSeconds must be above 0")]
    [InlineData("ExternalServices:TimeoutSeconds", "-1", "ExternalServices:TimeoutSeconds must be above 0")]
    [InlineData("ExternalServices:FailuresBeforeDown", "0", "ExternalServices:FailuresBeforeDown must be between 1 and 100")]
    [InlineData("ExternalServices:Services:Bad-Name:Kind", "http", "ExternalServices:Services:Bad-Name: a service name must be")]
    public async Task BadConfiguration_StopsStartup_NamingTheKey(string key, string value, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key == "Database:Provider")
            settings["ConnectionStrings:Monitor"] = "";
        if (key.StartsWith("ExternalServices:Services:livekit:"))
            settings["ExternalServices:Services:livekit:Enabled"] = "true"; // the test factory switches the real providers off
        await using var app = new MonitorAppFactory(database, settings);
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains(message, error.ToString());
    }
}

public sealed class MetricsAccessAndDocsTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [Fact]
    public async Task MetricsApi_Anonymous401_WrongRole403_MonitorsAndSuperAdmins200()
    {
        var app = fixture.App;
        const string route = "/api/admin/metrics/current";
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateBrowserClient().GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateClientAsAsync(Roles.ContentManager)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateTokenClientAsync(Roles.Ingest)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateTokenClientAsync(Roles.ContentManager)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateClientAsAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateClientAsAsync(Roles.SuperAdmin)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateTokenClientAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
    }

    [Theory]
    [InlineData("/api/admin/metrics/sessions")]
    [InlineData("/api/admin/metrics/error-rate")]
    [InlineData("/api/admin/metrics/db-pool")]
    [InlineData("/api/admin/metrics/external-services")]
    public async Task EveryMetricsRoute_Anonymous401_ContentManager403_Monitor200(string route)
    {
        var app = fixture.App;
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateBrowserClient().GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateTokenClientAsync(Roles.ContentManager)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateTokenClientAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_DescribesMetricsAndIngestionRoutes_WithTheir401And403()
    {
        var response = await fixture.App.CreateBrowserClient().GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var (path, verb) in new[]
        {
            ("/api/admin/metrics/current", "get"), ("/api/admin/metrics/sessions", "get"), ("/api/admin/metrics/error-rate", "get"),
            ("/api/admin/metrics/db-pool", "get"), ("/api/admin/metrics/external-services", "get"), ("/api/ingest/session-events", "post"), ("/api/ingest/requests", "post"),
        })
        {
            var responses = paths.GetProperty(path).GetProperty(verb).GetProperty("responses");
            Assert.True(responses.TryGetProperty("401", out _), $"{path} lacks 401");
            Assert.True(responses.TryGetProperty("403", out _), $"{path} lacks 403");
        }
        var current = paths.GetProperty("/api/admin/metrics/current").GetProperty("get").GetProperty("responses").GetProperty("200").ToString();
        Assert.Contains("CurrentMetrics", current);
    }
}
