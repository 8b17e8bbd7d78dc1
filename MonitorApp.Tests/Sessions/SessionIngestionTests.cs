using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Sessions;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Sessions;

public abstract class SessionIngestionTests(AppFixture fixture)
{
    private const string Route = "/api/ingest/session-events";

    /// <summary>Events are dated yesterday: inside the retention window and never ahead of the clock, whenever the tests run.</summary>
    private static readonly DateTime Yesterday = DateTime.UtcNow.Date.AddDays(-1);
    private static readonly string Day = Yesterday.ToString("yyyy-MM-dd");

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Batch(params object[] events) => JsonSerializer.Serialize(new { events });

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string body)
    {
        var response = await client.PostAsync(Route, Json(body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement);
    }

    private Task<List<Session>> SessionsAsync(string prefix) =>
        fixture.App.WithDbAsync(db => db.Sessions.AsNoTracking().Include(s => s.Category)
            .Where(s => s.SessionId.StartsWith(prefix)).OrderBy(s => s.SessionId).ToListAsync());

    [SkippableFact]
    public async Task ValidBatch_IsStored_AndRepeatingItChangesNothing()
    {
        var app = fixture.App;
        var client = await app.CreateTokenClientAsync(Roles.Ingest);
        var p = $"v-{Guid.NewGuid():N}-";
        var category = $"Exam Anxiety {Guid.NewGuid():N}";
        var body = Batch(
            new { session_id = p + "1", type = "started", at = $"{Day}T10:00:00Z", category, provider = "daily_co" },
            new { session_id = p + "1", type = "quality", at = $"{Day}T10:05:00+01:00", quality = "fair" },
            new { session_id = p + "1", type = "quality", at = $"{Day}T10:02:00Z", quality = "good" },
            new { session_id = p + "1", type = "heartbeat", at = $"{Day}T10:10:00Z" },
            new { session_id = p + "2", type = "started", at = $"{Day}T10:03:00Z", category = "Career", provider = "beyond_presence" },
            new { session_id = p + "2", type = "ended", at = $"{Day}T10:30:00Z" });

        var (status, json) = await PostAsync(client, body);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(6, json.GetProperty("accepted").GetInt32());

        var first = await SessionsAsync(p);
        Assert.Equal(2, first.Count);
        var s1 = first[0];
        Assert.Equal(category, s1.Category!.Name);
        Assert.Equal(VideoProvider.DailyCo, s1.Provider);
        Assert.Equal(Yesterday.Add(new TimeSpan(10, 0, 0)), s1.StartedAt);
        Assert.Equal(DateTimeKind.Utc, s1.StartedAt.Kind);
        Assert.Equal(Yesterday.Add(new TimeSpan(10, 10, 0)), s1.LastSeenAt);
        // 10:05+01:00 is 09:05Z, earlier than the 10:02Z report: the later report wins whatever the order.
        Assert.Equal(ConnectionQuality.Good, s1.Quality);
        Assert.Equal(Yesterday.Add(new TimeSpan(10, 2, 0)), s1.QualityAt);
        Assert.Null(s1.EndedAt);
        Assert.Equal(VideoProvider.BeyondPresence, first[1].Provider);
        Assert.Equal(Yesterday.Add(new TimeSpan(10, 30, 0)), first[1].EndedAt);

        var (again, _) = await PostAsync(client, body);
        Assert.Equal(HttpStatusCode.OK, again);
        var second = await SessionsAsync(p);
        Assert.Equivalent(first.Select(Snapshot), second.Select(Snapshot), strict: true);
        Assert.Equal(1, await app.WithDbAsync(db => db.CounselorCategories.CountAsync(c => c.Name == category)));
    }

    private static object Snapshot(Session s) => new { s.SessionId, s.CategoryId, s.Provider, s.StartedAt, s.LastSeenAt, s.EndedAt, s.Quality, s.QualityAt };

    [SkippableFact]
    public async Task BatchWithOneBadEvent_Returns400NamingItAndStoresNothing()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"bad-{Guid.NewGuid():N}-";
        var (status, json) = await PostAsync(client, Batch(
            new { session_id = p + "1", type = "started", at = $"{Day}T10:00:00Z", category = "Anxiety", provider = "daily_co" },
            new { session_id = p + "2", type = "started", at = $"{Day}T10:00:00Z", category = "Anxiety", provider = "zoom" },
            new { session_id = p + "1", type = "quality", at = $"{Day}T10:00:00" , quality = "good" },
            new { session_id = p + "1", type = "quality", at = $"{Day}T10:01:00Z" }));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = json.GetProperty("errors");
        Assert.Contains("zoom", errors.GetProperty("events[1].provider")[0].GetString());
        Assert.Contains("offset", errors.GetProperty("events[2].at")[0].GetString());
        Assert.Contains("required", errors.GetProperty("events[3].quality")[0].GetString());
        Assert.Equal(3, errors.EnumerateObject().Count());
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableFact]
    public async Task EventForASessionNeverStarted_IsRejectedWithTheReason()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"unknown-{Guid.NewGuid():N}-";
        var (status, json) = await PostAsync(client, Batch(
            new { session_id = p + "1", type = "started", at = $"{Day}T10:00:00Z", category = "Anxiety", provider = "livekit" },
            new { session_id = p + "2", type = "heartbeat", at = $"{Day}T10:01:00Z" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("unknown", json.GetProperty("errors").GetProperty("events[1].session_id")[0].GetString());
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableFact]
    public async Task EventsAheadOfTheClockOrOlderThanRetention_AreRefusedNamingTheField_AndNothingIsStored()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"when-{Guid.NewGuid():N}-";
        var (status, json) = await PostAsync(client, Batch(
            new { session_id = p + "1", type = "started", at = Iso(DateTime.UtcNow.AddMinutes(-10)), category = "Career", provider = "livekit" },
            new { session_id = p + "1", type = "heartbeat", at = "2099-01-01T00:00:00Z" },   // would keep it "active" for ever
            new { session_id = p + "2", type = "started", at = Iso(DateTime.UtcNow.AddMinutes(10)), category = "Career", provider = "livekit" },
            new { session_id = p + "3", type = "started", at = Iso(DateTime.UtcNow.AddDays(-91)), category = "Career", provider = "livekit" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = json.GetProperty("errors");
        Assert.Equal(["events[1].at", "events[2].at", "events[3].at"], errors.EnumerateObject().Select(e => e.Name).Order());
        Assert.Contains("ahead of this server's clock", errors.GetProperty("events[1].at")[0].GetString());
        Assert.Contains("90-day retention", errors.GetProperty("events[3].at")[0].GetString());
        Assert.Empty(await SessionsAsync(p));

        // A sender's clock a little ahead is fine.
        var (ok, _) = await PostAsync(client, Batch(new { session_id = p + "4", type = "started", at = Iso(DateTime.UtcNow.AddMinutes(4)), category = "Career", provider = "livekit" }));
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    private static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");

    [SkippableTheory]
    [InlineData("Care\u0000er", "U+0000")]            // a NUL byte once reached PostgreSQL and became a 500
    [InlineData("Career\u202Egnirts", "U+202E")]       // a right-to-left override makes a name read as another
    [InlineData("Career\uFFFD", "U+FFFD")]              // what a sender's broken text often turns into
    [InlineData("Career\tLine", "U+0009")]
    [InlineData("Career <b>", "U+003C")]
    public async Task ACategoryWithCharactersOutsideTheNameRules_IsRefusedNamingTheField_AndNothingIsStored(string category, string found)
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"name-{Guid.NewGuid():N}";
        var (status, json) = await PostAsync(client, Batch(
            new { session_id = $"{p}-ok", type = "started", at = $"{Day}T10:00:00Z", category = "Academic Stress", provider = "daily_co" },
            new { session_id = $"{p}-bad", type = "started", at = $"{Day}T10:00:00Z", category, provider = "daily_co" }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(json.GetProperty("errors").EnumerateObject());
        Assert.Equal("events[1].category", error.Name);
        Assert.Contains(found, error.Value[0].GetString());
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableTheory]
    [InlineData("started", "\u0000", "U+0000")]   // a NUL in a session id reached PostgreSQL and became a 500
    [InlineData("ended", "\u0007", "U+0007")]
    [InlineData("stats", "\u0000", "U+0000")]
    [InlineData("started", "\u202E", "U+202E")]
    public async Task ASessionIdWithAControlCharacter_IsRefusedNamingTheField_NotA500(string type, string character, string found)
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"ctl-{Guid.NewGuid():N}";
        object bad = type == "stats"
            ? new { session_id = $"{p}{character}x", type, at = $"{Day}T10:00:05Z", direction = "receive", kind = "audio", window_seconds = 10, packet_loss_pct = 0, rtt_ms = 40, jitter_ms = 5 }
            : new { session_id = $"{p}{character}x", type, at = $"{Day}T10:00:05Z", category = "Academic Stress", provider = "daily_co" };
        var (status, json) = await PostAsync(client, Batch(
            new { session_id = $"{p}-ok", type = "started", at = $"{Day}T10:00:00Z", category = "Academic Stress", provider = "daily_co" }, bad));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(json.GetProperty("errors").TryGetProperty("events[1].session_id", out var error), json.ToString());
        Assert.Contains(found, error[0].GetString());
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableFact]
    public async Task ACategoryWithHalfASurrogatePair_IsRefusedNamingTheField()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"surrogate-{Guid.NewGuid():N}";
        var (status, json) = await PostAsync(client,
            $$"""{"events":[{"session_id":"{{p}}","type":"started","at":"{{Day}}T10:00:00Z","category":"Career\ud800","provider":"daily_co"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(json.GetProperty("errors").EnumerateObject());
        Assert.Contains("events[0].category", error.Name);
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableFact]
    public async Task NamesInAnyScript_WithDigitsAndDotsDashesUnderscores_AreAccepted()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"script-{Guid.NewGuid():N}";
        var (status, _) = await PostAsync(client, Batch(
            new { session_id = $"{p}-1", type = "started", at = $"{Day}T10:00:00Z", category = "Études_supérieures-2.0", provider = "daily_co" },
            new { session_id = $"{p}-2", type = "started", at = $"{Day}T10:00:00Z", category = "進路 相談", provider = "daily_co" }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["Études_supérieures-2.0", "進路 相談"], (await SessionsAsync(p)).Select(s => s.Category!.Name));
    }

    [SkippableFact]
    public async Task UnknownProperty_Returns400NamingIt()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"pii-{Guid.NewGuid():N}";
        var (status, json) = await PostAsync(client,
            $$"""{"events":[{"session_id":"{{p}}","type":"started","at":"{{Day}}T10:00:00Z","category":"Anxiety","provider":"daily_co","student_email":"a@b.c"}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(json.GetProperty("errors").EnumerateObject());
        Assert.Equal("events[0].student_email", error.Name);
        Assert.Contains("not a known property", error.Value[0].GetString());
        Assert.Empty(await SessionsAsync(p));
    }

    [SkippableTheory]
    [InlineData("", "$")]
    [InlineData("{\"events\": 5}", "events")]
    [InlineData("{\"events\": [", "events")]
    [InlineData("{}", "events")]
    public async Task MalformedBody_Returns400ProblemNotA500(string body, string field)
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var response = await client.PostAsync(Route, Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Contains(errors.EnumerateObject(), e => e.Name.StartsWith(field, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task BodyOverTwoMegabytes_Returns413()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var padding = new string(' ', 2 * 1024 * 1024);
        var response = await client.PostAsync(Route, Json("{\"events\":[]" + padding + "}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [SkippableFact]
    public async Task BatchOverFiveThousandEvents_Returns400()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var events = Enumerable.Range(0, 5001).Select(i => new { session_id = $"x{i}", type = "heartbeat", at = $"{Day}T10:00:00Z" });
        var (status, json) = await PostAsync(client, JsonSerializer.Serialize(new { events }));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("5000", json.GetProperty("errors").GetProperty("events")[0].GetString());
    }

    [SkippableFact]
    public async Task FullBatchOfFiveThousandEvents_IsStored()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var p = $"full-{Guid.NewGuid():N}-";
        var events = Enumerable.Range(0, 2500).SelectMany(i => new object[]
        {
            new { session_id = $"{p}{i}", type = "started", at = $"{Day}T10:00:00Z", category = $"Cat {i % 7}", provider = "livekit" },
            new { session_id = $"{p}{i}", type = "ended", at = $"{Day}T10:20:00Z" },
        });
        var (status, json) = await PostAsync(client, JsonSerializer.Serialize(new { events }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5000, json.GetProperty("accepted").GetInt32());
        Assert.Equal(2500, await fixture.App.WithDbAsync(db => db.Sessions.CountAsync(s => s.SessionId.StartsWith(p) && s.EndedAt != null)));
    }

    [SkippableFact]
    public async Task IngestToken_CanIngestButCannotReadTheDashboard()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var id = $"ingest-only-{Guid.NewGuid():N}";
        var (status, _) = await PostAsync(client, Batch(new { session_id = id, type = "started", at = $"{Day}T10:00:00Z", category = "Sleep", provider = "other" }));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(await SessionsAsync(id));
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task ConcurrentBatchesForTheSameNewCategory_AllSucceed()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var category = $"Concurrent {Guid.NewGuid():N}";
        var p = $"conc-{Guid.NewGuid():N}-";
        var posts = Enumerable.Range(0, 6).Select(i => client.PostAsync(Route, Json(Batch(
            new { session_id = $"{p}{i}", type = "started", at = $"{Day}T10:00:00Z", category, provider = "daily_co" }))));
        var responses = await Task.WhenAll(posts);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(6, (await SessionsAsync(p)).Count);
        Assert.Equal(1, await fixture.App.WithDbAsync(db => db.CounselorCategories.CountAsync(c => c.Name == category)));
    }

    [SkippableFact]
    public async Task ConcurrentBatchesNamingTheSameNewCategoriesInDifferentOrders_AllSucceed()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        // Rounds of twelve batches, each naming the same twenty new categories in its own order: creating them
        // must neither deadlock nor fail (a deadlock here once surfaced as a 500 to the first batches of the day).
        for (var round = 0; round < 3; round++)
        {
            var tag = Guid.NewGuid().ToString("N")[..8];
            var names = Enumerable.Range(0, 20).Select(i => $"Order {tag} {i}").ToList();
            var posts = Enumerable.Range(0, 12).Select(b => client.PostAsync(Route, Json(Batch(names
                .OrderBy(n => new Random(b * 31 + n.Length + n[^1]).Next())
                .Select((category, i) => (object)new
                {
                    session_id = $"order-{tag}-{b}-{i}", type = "started", at = $"{Day}T10:00:00Z", category, provider = "daily_co",
                }).ToArray()))));
            var responses = await Task.WhenAll(posts);
            foreach (var response in responses)
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"round {round}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(240, (await SessionsAsync($"order-{tag}-")).Count);
            Assert.Equal(20, await fixture.App.WithDbAsync(db => db.CounselorCategories.CountAsync(c => c.Name.StartsWith($"Order {tag} "))));
        }
    }

    [SkippableFact]
    public async Task ConcurrentBatchesStartingTheSameNewSessions_StoreEachOnce_AndCountEachOnce()
    {
        var client = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var category = $"Same sessions {Guid.NewGuid():N}";
        var p = $"same-{Guid.NewGuid():N}-";
        // Six batches race to create the same 50 sessions; each also reports a quality an hour apart.
        var posts = Enumerable.Range(0, 6).Select(b => client.PostAsync(Route, Json(Batch(Enumerable.Range(0, 50).SelectMany(i => new object[]
        {
            new { session_id = $"{p}{i}", type = "started", at = $"{Day}T10:00:00Z", category, provider = "daily_co" },
            new { session_id = $"{p}{i}", type = "quality", at = $"{Day}T1{b}:30:00Z", quality = b % 2 == 0 ? "good" : "poor" },
        }).ToArray()))));
        var responses = await Task.WhenAll(posts);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        var stored = await SessionsAsync(p);
        Assert.Equal(50, stored.Count);
        Assert.All(stored, s => Assert.Equal((ConnectionQuality.Poor, Yesterday.Add(new TimeSpan(15, 30, 0))), (s.Quality!.Value, s.QualityAt!.Value)));
        var startCounts = await fixture.App.WithDbAsync(db => db.SessionStartCounts
            .Where(c => db.Set<CounselorCategory>().Any(k => k.Id == c.CategoryId && k.Name == category)).SumAsync(c => c.Sessions));
        Assert.Equal(50, startCounts);
    }
}

public sealed class SqliteSessionIngestionTests(SqliteAppFixture fixture) : SessionIngestionTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresSessionIngestionTests(PostgresAppFixture fixture) : SessionIngestionTests(fixture), IClassFixture<PostgresAppFixture>;
