using System.Net;
using System.Text.Json;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

/// <summary>Which service? Per-service figures in the API, the error-rate chart for one service, and the dashboard's Services card.</summary>
public abstract class ServiceMetricsTests(DatabaseProvider provider)
{
    private static IEnumerable<object> Outcomes(string service, DateTimeOffset at, int ok, int errors, double ms) =>
        Enumerable.Range(0, ok + errors).Select(i => (object)new { service, at = IsolatedApp.Iso(at), status = i < errors ? 500 : 200, duration_ms = ms });

    [SkippableFact]
    public async Task EachServicesFigures_AreExact_WorstFirst_ForTheLastHourAndDay()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var now = IsolatedApp.T0;
        await app.PostRequestsAsync(Outcomes("checkout", now.AddMinutes(-5), ok: 90, errors: 10, ms: 40)); // 10 %: critical
        await app.PostRequestsAsync(Outcomes("search", now.AddMinutes(-5), ok: 50, errors: 0, ms: 700));   // p95 ≤ 750 ms: degraded
        await app.PostRequestsAsync(Outcomes("profile", now.AddMinutes(-5), ok: 20, errors: 0, ms: 20));   // healthy
        await app.PostRequestsAsync(Outcomes("billing", now.AddHours(-5), ok: 8, errors: 2, ms: 20));      // only in the last day
        await app.RefreshAsync();

        var hour = (await app.GetJsonAsync("/api/admin/metrics/services?window=1h")).GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["checkout", "search", "profile"], hour.Select(s => s.GetProperty("service").GetString()));
        var checkout = hour[0];
        Assert.Equal(100, checkout.GetProperty("requests").GetInt64());
        Assert.Equal(10, checkout.GetProperty("errors").GetInt64());
        Assert.Equal(0.1, checkout.GetProperty("error_rate").GetDouble(), 9);
        Assert.Equal("critical", checkout.GetProperty("level").GetString());
        Assert.Equal("degraded", hour[1].GetProperty("level").GetString());
        Assert.InRange(hour[1].GetProperty("p95_ms").GetDouble(), 500.1, 750);
        Assert.Equal("healthy", hour[2].GetProperty("level").GetString());

        var day = (await app.GetJsonAsync("/api/admin/metrics/services?window=24h")).GetProperty("services").EnumerateArray().ToList();
        var billing = Assert.Single(day, s => s.GetProperty("service").GetString() == "billing");
        Assert.Equal(10, billing.GetProperty("requests").GetInt64());
        Assert.Equal("critical", billing.GetProperty("level").GetString()); // 20 %
        Assert.Equal(4, day.Count);

        // One service's chart: its own hours only.
        var series = (await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=24&service=billing")).GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(24, series.Count);
        Assert.Equal(10, series.Sum(p => p.GetProperty("requests").GetInt64()));
        Assert.Equal(2, series.Sum(p => p.GetProperty("errors").GetInt64()));
        var all = (await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=24")).GetProperty("points").EnumerateArray();
        Assert.Equal(100 + 50 + 20 + 10, all.Sum(p => p.GetProperty("requests").GetInt64()));

        // The dashboard's card lists them worst first.
        var dashboard = await MonitorAppFactory.ParseAsync(await (await app.App.CreateClientAsAsync(MonitorApp.Auth.Roles.SystemMonitor)).GetAsync("/admin/dashboard"));
        Assert.Equal(["checkout", "search", "profile"], dashboard.QuerySelectorAll("#card-services tbody tr").Select(r => r.GetAttribute("data-service")));
    }

    [SkippableFact]
    public async Task ABadWindowOrServiceName_IsRefusedNamingTheField()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var window = await app.Monitor.GetAsync("/api/admin/metrics/services?window=7d");
        Assert.Equal(HttpStatusCode.BadRequest, window.StatusCode);
        Assert.True(JsonDocument.Parse(await window.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("window", out _));
        var service = await app.Monitor.GetAsync("/api/admin/metrics/error-rate?service=" + Uri.EscapeDataString("\u202Eevil"));
        Assert.Equal(HttpStatusCode.BadRequest, service.StatusCode);
        Assert.True(JsonDocument.Parse(await service.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("service", out _));
        Assert.Empty((await app.GetJsonAsync("/api/admin/metrics/services")).GetProperty("services").EnumerateArray());
    }
}

public sealed class SqliteServiceMetricsTests() : ServiceMetricsTests(DatabaseProvider.Sqlite);

public sealed class PostgresServiceMetricsTests() : ServiceMetricsTests(DatabaseProvider.Postgres);
