using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.Telemetry;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Telemetry;

/// <summary>Request outcomes into per-minute rollups: reported batches, this app's own requests, retention.</summary>
public abstract class RequestTelemetryTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    private static IEnumerable<object> Outcomes(int count, DateTimeOffset at, int status, double ms, string service = "platform-api") =>
        Enumerable.Range(0, count).Select(_ => (object)new { service, at = IsolatedApp.Iso(at), status, duration_ms = ms, route = "/api/sessions" });

    [SkippableFact]
    public async Task RequestIngestion_ValidatesTheWholeBatch_AndStoresNothingWhenOneIsBad()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var response = await app.Ingest.PostAsJsonAsync("/api/ingest/requests", new
        {
            requests = new object[]
            {
                new { service = "platform-api", at = IsolatedApp.Iso(T0), status = 200, duration_ms = 12.5 },
                new { service = "platform-api", at = IsolatedApp.Iso(T0), status = 700, duration_ms = -1 },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("requests[1].status", out _));
        Assert.True(errors.TryGetProperty("requests[1].duration_ms", out _));
        Assert.Equal(0, await app.App.WithDbAsync(db => db.RequestRollups.CountAsync()));
    }

    [SkippableFact]
    public async Task RepeatedOutcomeBatches_AddUp_InOneRowPerServiceAndMinute()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostRequestsAsync(Outcomes(3, T0, 200, 7));
        await app.PostRequestsAsync(Outcomes(2, T0, 502, 7));
        var rows = await app.App.WithDbAsync(db => db.RequestRollups.Select(r => new { r.Requests, r.Errors5xx, Le10 = EF.Property<long>(r, "Le10") }).ToListAsync());
        var row = Assert.Single(rows);
        Assert.Equal((5, 2, 5), (row.Requests, row.Errors5xx, row.Le10));
    }

    [SkippableFact]
    public async Task OwnRequests_OfAuthenticatedCallers_AreRecorded_AnAnonymousFloodIsNot()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Telemetry:RecordOwnRequests"] = "true" });
        // An anonymous flood: pages, refused API calls (401), paths that match nothing (404), slow or not.
        var anonymous = app.App.CreateBrowserClient();
        for (var i = 0; i < 20; i++)
        {
            await anonymous.GetAsync("/login");
            await anonymous.GetAsync("/api/admin/metrics/current");
            await anonymous.PostAsync("/api/ingest/requests", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            await anonymous.GetAsync($"/no-such-page-{i}");
        }
        for (var i = 0; i < 5; i++)
            await anonymous.GetAsync("/healthz");
        // Health probes are never counted, whoever calls them.
        for (var i = 0; i < 5; i++)
            await app.Monitor.GetAsync("/healthz");
        // What an operator's tools do: two good calls and one with a bad parameter.
        await app.Monitor.GetAsync("/api/admin/metrics/current");
        await app.Monitor.GetAsync("/api/admin/metrics/current");
        Assert.Equal(HttpStatusCode.BadRequest, (await app.Monitor.GetAsync("/api/admin/metrics/sessions?window=fortnight")).StatusCode);
        await app.FlushOwnRequestsAsync();

        var rows = await app.App.WithDbAsync(db => db.RequestRollups.AsNoTracking().Where(r => r.Service == "monitor-app").ToListAsync());
        Assert.Equal(3, rows.Sum(r => r.Requests));
        Assert.Equal(0, rows.Sum(r => r.Errors5xx));
        Assert.Equal(1, rows.Sum(r => r.Errors4xx)); // the bad parameter; none of the flood's 401s and 404s
    }

    [SkippableFact]
    public async Task Retention_DeletesRollupsOlderThanConfigured()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Telemetry:RetentionDays"] = "7" });
        await app.PostRequestsAsync([.. Outcomes(1, T0.AddDays(-7).AddMinutes(30), 200, 5), .. Outcomes(1, T0.AddDays(-6), 200, 5)]);
        app.Time.Advance(TimeSpan.FromHours(1)); // the first is now past the 7 days (the hourly round may prune it first)
        await app.App.Services.GetRequiredService<Retention>().PruneAsync(CancellationToken.None);
        Assert.Equal(1, await app.App.WithDbAsync(db => db.RequestRollups.CountAsync()));
    }

    [SkippableFact]
    public async Task OutcomesAheadOfTheClockOrOlderThanRetention_AreRefusedNamingTheField_AndNothingIsCounted()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Telemetry:RetentionDays"] = "30" });
        var response = await app.Ingest.PostAsJsonAsync("/api/ingest/requests", new
        {
            requests = new object[]
            {
                new { service = "platform-api", at = IsolatedApp.Iso(T0.AddMinutes(4)), status = 200, duration_ms = 10 }, // a clock a little ahead
                new { service = "platform-api", at = IsolatedApp.Iso(T0.AddMinutes(6)), status = 500, duration_ms = 10 },
                new { service = "platform-api", at = IsolatedApp.Iso(T0.AddDays(-30).AddMinutes(-1)), status = 500, duration_ms = 10 },
                new { service = "platform-api", at = "2099-01-01T00:00:00Z", status = 500, duration_ms = 10 },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["requests[1].at", "requests[2].at", "requests[3].at"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("ahead of this server's clock", errors.GetProperty("requests[1].at")[0].GetString());
        Assert.Contains("30-day retention", errors.GetProperty("requests[2].at")[0].GetString());
        Assert.Equal(0, await app.App.WithDbAsync(db => db.RequestRollups.CountAsync()));

        await app.PostRequestsAsync(Outcomes(1, T0.AddMinutes(4), 200, 10));
        Assert.Equal(1, await app.App.WithDbAsync(db => db.RequestRollups.SumAsync(r => r.Requests)));
    }

    [SkippableFact]
    public async Task AServiceNameWithAControlCharacter_IsRefusedNamingTheField_AndNothingIsCounted()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1));
        var response = await app.Ingest.PostAsJsonAsync("/api/ingest/requests", new
        {
            requests = new object[]
            {
                new { service = "platform-api", at, status = 200, duration_ms = 10 },
                new { service = "platform\u0000api", at, status = 500, duration_ms = 10 },
            },
        });
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        var errors = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains("U+0000", errors.GetProperty("requests[1].service")[0].GetString());
        Assert.Equal(0, await app.App.WithDbAsync(db => db.RequestRollups.CountAsync()));
    }
}

public sealed class SqliteRequestTelemetryTests() : RequestTelemetryTests(DatabaseProvider.Sqlite);

public sealed class PostgresRequestTelemetryTests() : RequestTelemetryTests(DatabaseProvider.Postgres);
