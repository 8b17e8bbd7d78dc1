using System.Net;
using System.Text.Json;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

public sealed class MetricsAccessAndDocsTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [SkippableFact]
    public async Task MetricsApi_Anonymous401_WrongRole403_MonitorsAndSuperAdmins200()
    {
        var app = fixture.App;
        const string route = "/api/admin/metrics/current";
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateBrowserClient().GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateClientAsAsync(Roles.ContentManager)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateTokenClientAsync(Roles.Ingest)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateClientAsAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateClientAsAsync(Roles.SuperAdmin)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateTokenClientAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
    }

    [SkippableTheory]
    [InlineData("/api/admin/metrics/sessions")]
    [InlineData("/api/admin/metrics/error-rate")]
    [InlineData("/api/admin/metrics/db-pool")]
    [InlineData("/api/admin/metrics/external-services")]
    public async Task EveryMetricsRoute_Anonymous401_IngestToken403_Monitor200(string route)
    {
        var app = fixture.App;
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateBrowserClient().GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.CreateTokenClientAsync(Roles.Ingest)).GetAsync(route)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await app.CreateTokenClientAsync(Roles.SystemMonitor)).GetAsync(route)).StatusCode);
    }

    [SkippableFact]
    public async Task OpenApiDocument_NeedsACallerOutsideDevelopment_AndDescribesMetricsAndIngestionRoutes_WithTheir401And403()
    {
        var anonymous = await fixture.App.CreateBrowserClient().GetAsync("/openapi/v1.json");
        Assert.NotEqual(HttpStatusCode.OK, anonymous.StatusCode); // the sign-in page, or 401 for a JSON client
        Assert.DoesNotContain("/api/ingest", await anonymous.Content.ReadAsStringAsync());

        var response = await (await fixture.App.CreateTokenClientAsync(Roles.Ingest)).GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var paths = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("paths");
        foreach (var (path, verb) in new[]
        {
            ("/api/admin/metrics/current", "get"), ("/api/admin/metrics/sessions", "get"), ("/api/admin/metrics/error-rate", "get"),
            ("/api/admin/metrics/db-pool", "get"), ("/api/admin/metrics/external-services", "get"), ("/api/ingest/session-events", "post"), ("/api/ingest/requests", "post"),
            ("/api/admin/alerts", "get"), ("/api/admin/events", "get"), ("/api/admin/alerts/silences", "post"),
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
