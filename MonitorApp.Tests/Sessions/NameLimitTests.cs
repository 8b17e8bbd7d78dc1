using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Sessions;

/// <summary>A runaway sender cannot fill the categories card or the services list: a batch that would pass the limit is refused whole.</summary>
public abstract class NameLimitTests(DatabaseProvider provider)
{
    private static readonly string At = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-5));

    private static object Started(string id, string category) => new { session_id = id, type = "started", at = At, category, provider = "livekit" };

    private static object Outcome(string service) => new { service, at = At, status = 200, duration_ms = 5 };

    private static async Task<(HttpStatusCode Status, JsonElement Errors)> PostAsync(HttpClient client, string route, object body)
    {
        var response = await client.PostAsJsonAsync(route, body);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (response.StatusCode, json.TryGetProperty("errors", out var errors) ? errors : default);
    }

    [SkippableFact]
    public async Task ABatchAddingCategoriesPastTheLimit_IsRefusedNamingTheNewOnes_AndNothingOfItIsStored()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Sessions:MaxCategories"] = "3" });
        await app.PostSessionEventsAsync(Started("a", "Career"), Started("b", "Sleep"));

        var (status, errors) = await PostAsync(app.Ingest, "/api/ingest/session-events",
            new { events = new[] { Started("c", "Career"), Started("d", "Grief"), Started("e", "Anger"), Started("f", "Grief") } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["events[1].category", "events[2].category"], errors.EnumerateObject().Select(e => e.Name).Order());
        var message = errors.GetProperty("events[1].category")[0].GetString()!;
        Assert.Contains("at most 3", message);
        Assert.Contains("'Anger', 'Grief'", message);
        Assert.Equal(["a", "b"], await app.App.WithDbAsync(db => db.Sessions.Select(s => s.SessionId).OrderBy(id => id).ToListAsync()));
        Assert.Equal(2, await app.App.WithDbAsync(db => db.CounselorCategories.CountAsync()));

        // Up to the limit, and known categories, still go in.
        await app.PostSessionEventsAsync(Started("g", "Grief"), Started("h", "Career"));
        Assert.Equal(3, await app.App.WithDbAsync(db => db.CounselorCategories.CountAsync()));
    }

    [SkippableFact]
    public async Task TwoBatchesRacingForTheLastCategory_OnlyOneGetsIt()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Sessions:MaxCategories"] = "2" });
        await app.PostSessionEventsAsync(Started("a", "Career"));

        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(i =>
            PostAsync(app.Ingest, "/api/ingest/session-events", new { events = new[] { Started($"race-{i}", $"Racing {i}") } })));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.BadRequest], results.Select(r => r.Status).Order());
        Assert.Equal(2, await app.App.WithDbAsync(db => db.CounselorCategories.CountAsync()));
    }

    [SkippableFact]
    public async Task ABatchAddingServicesPastTheLimit_IsRefusedNamingTheNewOnes_AndNothingOfItIsCounted()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Telemetry:MaxServices"] = "3" });
        await app.PostRequestsAsync([Outcome("api"), Outcome("web")]);

        var (status, errors) = await PostAsync(app.Ingest, "/api/ingest/requests",
            new { requests = new[] { Outcome("api"), Outcome("worker"), Outcome("cron"), Outcome("worker") } });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["requests[1].service", "requests[2].service"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("'cron', 'worker'", errors.GetProperty("requests[1].service")[0].GetString());
        Assert.Equal(2, await app.App.WithDbAsync(db => db.RequestRollups.SumAsync(r => r.Requests)));

        await app.PostRequestsAsync([Outcome("api"), Outcome("web"), Outcome("worker")]);
        await app.PostRequestsAsync([Outcome("api"), Outcome("web"), Outcome("worker")]); // all known now: still accepted
        Assert.Equal(8, await app.App.WithDbAsync(db => db.RequestRollups.SumAsync(r => r.Requests)));
    }
}

public sealed class SqliteNameLimitTests() : NameLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresNameLimitTests() : NameLimitTests(DatabaseProvider.Postgres);
