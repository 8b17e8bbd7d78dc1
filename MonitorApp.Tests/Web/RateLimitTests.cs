using MonitorApp.Audit;
using MonitorApp.Sessions;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Web;

/// <summary>RateLimits:…: one caller cannot take all of the app; over a limit it gets 429 with Retry-After.</summary>
public sealed class RateLimitTests
{
    private static object Started(string id) =>
        new { session_id = id, type = "started", at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1)), category = "Career", provider = "livekit" };

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.True(int.Parse(response.Headers.GetValues("Retry-After").Single()) >= 1);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(429, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetInt32());
    }

    [SkippableFact]
    public async Task IngestionOverATokensLimit_Gets429_AndIsNotStored_WhileAnotherTokenGoesOn()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:IngestPerTokenPerMinute"] = "3" });
        for (var i = 0; i < 3; i++)
            await app.PostSessionEventsAsync(Started($"s{i}"));

        await AssertTooManyAsync(await app.Ingest.PostAsJsonAsync("/api/ingest/session-events", new { events = new[] { Started("over") } }));
        await AssertTooManyAsync(await app.Ingest.PostAsJsonAsync("/api/ingest/requests",
            new { requests = new[] { new { service = "api", at = IsolatedApp.Iso(IsolatedApp.T0), status = 200, duration_ms = 5 } } }));
        Assert.False(await app.App.WithDbAsync(db => db.Sessions.AnyAsync(s => s.SessionId == "over")));

        var other = app.App.CreateBrowserClient();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.App.CreateTokenAsync(Roles.Ingest));
        Assert.Equal(HttpStatusCode.OK, (await other.PostAsJsonAsync("/api/ingest/session-events", new { events = new[] { Started("other") } })).StatusCode);
    }

    [SkippableFact]
    public async Task Readyz_OverAnAddressesLimit_Gets429()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:ReadyzPerAddressPerMinute"] = "3" });
        var anonymous = app.App.CreateBrowserClient();
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        await AssertTooManyAsync(await anonymous.GetAsync("/readyz"));
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode); // the liveness probe is never limited
    }

    [SkippableFact]
    public async Task FailedTokensOverAnAddressesLimit_Get429_WithoutAskingTheDatabase()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?> { ["RateLimits:FailedTokensPerAddressPerMinute"] = "3" });
        // A client whose token this instance verified a moment ago.
        Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode);

        var guesser = app.App.CreateBrowserClient();
        for (var i = 0; i < 3; i++)
        {
            guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", $"mon_guess{i}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync("/api/admin/metrics/current")).StatusCode);
        }

        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mon_guess-over");
        await AssertTooManyAsync(await guesser.GetAsync("/api/admin/metrics/current")); // recorded in the audit trail, once a minute
        guesser.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "mon_guess-over-again");
        using (var counter = CommandCounter.For(app.Database.ConnectionString))
        {
            await AssertTooManyAsync(await guesser.GetAsync("/api/admin/metrics/current"));
            Assert.Equal(0, counter.Count);
        }
        var tripped = await app.App.WithDbAsync(db => db.AuditEvents.SingleAsync(e => e.Action == global::MonitorApp.Audit.AuditActions.RateLimited));
        Assert.Equal("RateLimits:FailedTokensPerAddressPerMinute", tripped.Target);
        // Verified tokens cost no lookup, so the client beside the guesser goes on.
        Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode);
    }
}
