using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MonitorApp.Data;
using MonitorApp.Quality;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Quality;

/// <summary><c>stats</c> events: validated, scored, followed by the session's quality, and added up per provider exactly.</summary>
public abstract class QualityIngestionTests(DatabaseProvider provider)
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    private static object Started(string id, string provider, int secondsAgo = 600) =>
        new { session_id = id, type = "started", at = IsolatedApp.Iso(T0.AddSeconds(-secondsAgo)), category = "Career", provider };

    private static object Stats(string id, int secondsAgo, double rtt, double jitter, double loss, string direction = "receive", string kind = "audio", bool? relay = false) =>
        new { session_id = id, type = "stats", at = IsolatedApp.Iso(T0.AddSeconds(-secondsAgo)), direction, kind, window_seconds = 10,
              packet_loss_pct = loss, rtt_ms = rtt, jitter_ms = jitter, relay, provider_level = "good" };

    /// <summary>quality_poor_share alone, with this For; the test runs the rounds (an isolated app's timers tick every 5 minutes).</summary>
    private static Dictionary<string, string?> QualityRuleAlone(string forDuration)
    {
        var settings = new Dictionary<string, string?> { ["Alerts:Rules:quality_poor_share:For"] = forDuration };
        foreach (var other in MonitorApp.Alerts.AlertRules.All.Where(r => r.Name != MonitorApp.Alerts.AlertRules.QualityPoorShare))
            settings[$"Alerts:Rules:{other.Name}:Enabled"] = "false";
        return settings;
    }

    [SkippableFact]
    public async Task AStatsEvent_CarryingAJudgedQuality_IsRefused_ItsQualityIsMeasured()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("q-1", "livekit"));
        var response = await app.Ingest.PostAsJsonAsync("/api/ingest/session-events", new
        {
            events = new object[]
            {
                new { session_id = "q-1", type = "stats", at = IsolatedApp.Iso(T0), direction = "receive", kind = "audio", window_seconds = 10,
                      packet_loss_pct = 0, rtt_ms = 40, jitter_ms = 5, quality = "excellent" },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["events[0].quality"], errors.EnumerateObject().Select(e => e.Name));
        Assert.Equal(0, await app.App.WithDbAsync(db => Task.FromResult(db.SessionStats.Count())));
    }

    [SkippableFact]
    public async Task AStatsEvent_IsValidatedLikeEveryOther_NamingEachField()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("q-1", "livekit"));
        var response = await app.Ingest.PostAsJsonAsync("/api/ingest/session-events", new
        {
            events = new object[]
            {
                new { session_id = "q-1", type = "stats", at = IsolatedApp.Iso(T0), direction = "up", kind = "audio", window_seconds = 301,
                      packet_loss_pct = 101, rtt_ms = -1, provider_level = new string('x', 33) },
                new { session_id = "q-1", type = "quality", at = IsolatedApp.Iso(T0), quality = "good", rtt_ms = 80 },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(
            ["events[0].direction", "events[0].jitter_ms", "events[0].packet_loss_pct", "events[0].provider_level", "events[0].rtt_ms", "events[0].window_seconds", "events[1].rtt_ms"],
            errors.EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Equal("only a stats event carries it.", errors.GetProperty("events[1].rtt_ms")[0].GetString());
        Assert.Equal(0, await app.App.WithDbAsync(db => Task.FromResult(db.SessionStats.Count())));
    }

    [SkippableFact]
    public async Task ASessionsQuality_IsItsWorstWindowOfTheLastMinute_AndEveryFigureFollowsIt()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("q-1", "livekit"));
        async Task<string> QualityAsync()
        {
            await app.RefreshAsync();
            var counts = (await app.GetJsonAsync("/api/admin/metrics/sessions?window=24h")).GetProperty("connection_quality_counts");
            return Assert.Single(counts.EnumerateObject(), c => c.Value.GetInt64() == 1).Name;
        }

        await app.PostSessionEventsAsync(Stats("q-1", 300, rtt: 40, jitter: 5, loss: 0)); // 4.39
        Assert.Equal("excellent", await QualityAsync());
        await app.PostSessionEventsAsync(Stats("q-1", 290, rtt: 400, jitter: 60, loss: 8, direction: "send")); // 1.77
        Assert.Equal("poor", await QualityAsync());
        await app.PostSessionEventsAsync(Stats("q-1", 240, rtt: 300, jitter: 40, loss: 3)); // 3.11: the poor window is 50 s old
        Assert.Equal("poor", await QualityAsync());
        await app.PostSessionEventsAsync(Stats("q-1", 220, rtt: 300, jitter: 40, loss: 3)); // the poor window is 70 s old now
        Assert.Equal("fair", await QualityAsync());
        // A window that arrives late still counts for the minute it falls in.
        await app.PostSessionEventsAsync(Stats("q-1", 230, rtt: 0, jitter: 0, loss: 100));
        Assert.Equal("poor", await QualityAsync());
        // A window sent again is one window.
        await app.PostSessionEventsAsync(Stats("q-1", 220, rtt: 300, jitter: 40, loss: 3));
        Assert.Equal(5, await app.App.WithDbAsync(db => Task.FromResult(db.SessionStats.Count())));
    }

    [SkippableFact]
    public async Task PerProviderFigures_AreExactlyTheWindowsSent_InEveryWindow_AndABatchSentTwiceCountsOnce()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var random = new Random(16);
        string[] providers = ["daily_co", "livekit", "beyond_presence"];
        var sessions = Enumerable.Range(0, 30).Select(i => ($"g-{i}", providers[i % 3])).ToList();
        await app.PostSessionEventsAsync(sessions.Select(s => Started(s.Item1, s.Item2, 3000)).ToArray());

        // 600 windows over the last 50 minutes: livekit has a bad path (more loss and delay), some through a relay.
        var windows = new List<(string Provider, string Direction, double Mos, string Reason, bool Relay)>();
        var events = new List<object>();
        for (var i = 0; i < 600; i++)
        {
            var (id, p) = sessions[i % sessions.Count];
            var bad = p == "livekit";
            var rtt = Math.Round(random.NextDouble() * (bad ? 500 : 150), 1);
            var jitter = Math.Round(random.NextDouble() * (bad ? 80 : 20), 1);
            var loss = Math.Round(random.NextDouble() * (bad ? 12 : 2), 2);
            var direction = i % 2 == 0 ? "send" : "receive";
            var relay = i % 7 == 0;
            events.Add(Stats(id, 3000 - i * 5, rtt, jitter, loss, direction, i % 3 == 0 ? "video" : "audio", relay));
            var score = Mos.Score(rtt, jitter, loss);
            windows.Add((p, direction, score.Mos, score.Reason.Name(), relay));
        }
        foreach (var chunk in events.Chunk(250))
            await app.PostSessionEventsAsync(chunk);
        await app.PostSessionEventsAsync(events.Take(250).ToArray()); // sent again: nothing new
        await app.RefreshAsync();

        foreach (var window in new[] { "1h", "24h", "7d" })
        {
            var body = await app.GetJsonAsync($"/api/admin/metrics/quality?window={window}");
            Assert.Equal(window, body.GetProperty("window").GetString());
            var rows = body.GetProperty("providers").EnumerateArray().ToList();
            Assert.Equal("livekit", rows[0].GetProperty("provider").GetString()); // worst first
            foreach (var row in rows)
            {
                var mine = windows.Where(w => w.Provider == row.GetProperty("provider").GetString()).ToList();
                Assert.Equal(mine.Count, row.GetProperty("windows").GetInt64());
                Assert.Equal(Percentile(mine.Select(w => w.Mos), 50), row.GetProperty("mos_median").GetDouble());
                Assert.Equal(Percentile(mine.Select(w => w.Mos), 10), row.GetProperty("mos_p10").GetDouble());
                Assert.Equal(Percentile(mine.Where(w => w.Direction == "send").Select(w => w.Mos), 50), row.GetProperty("send_mos_median").GetDouble());
                Assert.Equal(Percentile(mine.Where(w => w.Direction == "receive").Select(w => w.Mos), 50), row.GetProperty("receive_mos_median").GetDouble());
                var poor = mine.Where(w => w.Mos < 3.0).ToList();
                Assert.Equal(Math.Round((double)poor.Count / mine.Count, 4), row.GetProperty("poor_share").GetDouble());
                Assert.Equal(Math.Round((double)mine.Count(w => w.Relay) / mine.Count, 4), row.GetProperty("relay_share").GetDouble());
                if (poor.Count == 0)
                {
                    Assert.Equal(JsonValueKind.Null, row.GetProperty("reasons").ValueKind);
                    Assert.Equal($"no poor windows in {window}", row.GetProperty("unknown").GetProperty("reasons").GetString());
                    continue;
                }
                foreach (var reason in new[] { "loss", "delay", "jitter" })
                    Assert.Equal(Math.Round((double)poor.Count(w => w.Reason == reason) / poor.Count, 4), row.GetProperty("reasons").GetProperty(reason).GetDouble());
            }
        }
        Assert.True(windows.Count(w => w.Provider == "livekit" && w.Mos < 3.0) > 20, "the generated data should have poor windows to share out");
    }

    /// <summary>The nearest-rank percentile, each MOS taken down to its tenth: what the bins can say exactly.</summary>
    private static double Percentile(IEnumerable<double> values, int percent)
    {
        var sorted = values.Order().ToList();
        var rank = Math.Max(1, (sorted.Count * percent + 99) / 100);
        return Math.Floor(sorted[rank - 1] * 10) / 10;
    }

    [SkippableFact]
    public async Task RawWindowsAreKeptTwoDays_AndOlderStatsAreRefused_SoAResendIsNeverCountedTwice()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("k-1", "livekit", secondsAgo: 3 * 86_400 + 600));
        async Task<JsonElement> RefusedAsync(object window)
        {
            var response = await app.Ingest.PostAsJsonAsync("/api/ingest/session-events", new { events = new[] { window } });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        }

        var threeDaysOld = await RefusedAsync(Stats("k-1", 3 * 86_400, rtt: 40, jitter: 5, loss: 0));
        Assert.Contains("older than the 2-day retention window", threeDaysOld.GetProperty("events[0].at")[0].GetString());

        var window = Stats("k-1", 3600, rtt: 40, jitter: 5, loss: 0);
        await app.PostSessionEventsAsync(window);
        Assert.Equal(1, await app.App.WithDbAsync(db => db.SessionStats.CountAsync()));

        app.Time.Advance(TimeSpan.FromDays(2));
        await app.App.Services.GetRequiredService<MonitorApp.Data.Retention>().PruneAsync(CancellationToken.None);
        Assert.Equal(0, await app.App.WithDbAsync(db => db.SessionStats.CountAsync()));
        Assert.Equal(0, await app.App.WithDbAsync(db => db.QualityBins.CountAsync(b => b.WidthMinutes == QualityBin.Minute)));
        Assert.Equal(1, await app.App.WithDbAsync(db => db.QualityBins.Where(b => b.WidthMinutes == QualityBin.Hour).SumAsync(b => b.Windows)));

        // Its raw row is gone, so it could not be recognised: sent again, it is refused rather than counted twice.
        Assert.True((await RefusedAsync(window)).TryGetProperty("events[0].at", out _));
        Assert.Equal(1, await app.App.WithDbAsync(db => db.QualityBins.Where(b => b.WidthMinutes == QualityBin.Hour).SumAsync(b => b.Windows)));
    }

    [SkippableFact]
    public async Task RelayShare_IsOfTheWindowsThatSaid_AndUnknownWhenNoneDid()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("r-1", "livekit"), Started("r-2", "daily_co"));
        // livekit: 2 relayed and 6 not, 12 that do not say; daily_co: none says.
        await app.PostSessionEventsAsync(Enumerable.Range(0, 20)
            .Select(i => Stats("r-1", 400 - i * 10, rtt: 40, jitter: 5, loss: 0, relay: i < 2 ? true : i < 8 ? false : null))
            .Concat(Enumerable.Range(0, 5).Select(i => Stats("r-2", 400 - i * 10, rtt: 40, jitter: 5, loss: 0, relay: null)))
            .ToArray());
        await app.RefreshAsync();

        var providers = (await app.GetJsonAsync("/api/admin/metrics/quality?window=1h")).GetProperty("providers").EnumerateArray()
            .ToDictionary(p => p.GetProperty("provider").GetString()!);
        Assert.Equal(20, providers["livekit"].GetProperty("windows").GetInt64());
        Assert.Equal(0.25, providers["livekit"].GetProperty("relay_share").GetDouble());
        Assert.Equal(JsonValueKind.Null, providers["daily_co"].GetProperty("relay_share").ValueKind);
        Assert.Equal("no window in 1h said whether it went through a relay", providers["daily_co"].GetProperty("unknown").GetProperty("relay_share").GetString());
    }

    [SkippableFact]
    public async Task QualityPoorShare_APendingAlertStartsOver_WhenARoundCannotJudgeIt()
    {
        await using var app = await IsolatedApp.StartAsync(provider, QualityRuleAlone(forDuration: "00:10:00"));
        async Task<string[]> StatesAsync()
        {
            var rule = MonitorApp.Tests.Alerts.AlertSteps.Rule(await app.GetJsonAsync("/api/admin/alerts"), MonitorApp.Alerts.AlertRules.QualityPoorShare);
            return rule.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("state").GetString()!).ToArray();
        }

        // 30 windows, 9 poor (30 %): 15 of them (the 9 poor among them) all in one minute 57 minutes ago, 15 good just now.
        await app.PostSessionEventsAsync(Started("p-1", "livekit", secondsAgo: 3600));
        await app.PostSessionEventsAsync(Enumerable.Range(0, 15)
            .Select(i => i < 9 ? Stats("p-1", 57 * 60 + i, rtt: 400, jitter: 60, loss: 8) : Stats("p-1", 57 * 60 + i, rtt: 40, jitter: 5, loss: 0))
            .Concat(Enumerable.Range(0, 15).Select(i => Stats("p-1", 30 + i * 10, rtt: 40, jitter: 5, loss: 0)))
            .ToArray());
        await MonitorApp.Tests.Alerts.AlertSteps.EvaluateAsync(app);
        Assert.Equal(["pending"], await StatesAsync());

        // Minute by minute, the 15 old windows leave the hour together: 15 left are too few to judge. The pending alert
        // does not wait there with its old start …
        await MonitorApp.Tests.Alerts.AlertSteps.PassAsync(app, TimeSpan.FromMinutes(11));
        Assert.Empty(await StatesAsync());

        // … so when the share is high again (12 of 45 poor), it is pending from now, not firing at once 11 minutes after it began.
        await app.PostSessionEventsAsync(Enumerable.Range(0, 30)
            .Select(i => i < 12 ? Stats("p-1", -650 + i * 10, rtt: 400, jitter: 60, loss: 8) : Stats("p-1", -650 + i * 10, rtt: 40, jitter: 5, loss: 0))
            .ToArray());
        await MonitorApp.Tests.Alerts.AlertSteps.EvaluateAsync(app);
        Assert.Equal(["pending"], await StatesAsync());
    }

    [SkippableFact]
    public async Task QualityPoorShare_FiresForTheProviderWithTooManyPoorWindows_AndJudgesNoProviderOnTooFew()
    {
        await using var app = await IsolatedApp.StartAsync(provider, QualityRuleAlone(forDuration: "00:00:00"));
        await app.PostSessionEventsAsync(Started("a-1", "livekit"), Started("a-2", "daily_co"));
        // livekit: 30 windows, 9 poor (30 % > 20 %); daily_co: 5 windows, all poor, but 5 are too few to judge.
        await app.PostSessionEventsAsync(Enumerable.Range(0, 30)
            .Select(i => i < 9 ? Stats("a-1", 400 - i * 10, rtt: 400, jitter: 60, loss: 8) : Stats("a-1", 400 - i * 10, rtt: 40, jitter: 5, loss: 0))
            .Concat(Enumerable.Range(0, 5).Select(i => Stats("a-2", 100 - i * 10, rtt: 0, jitter: 0, loss: 100)))
            .ToArray());
        await MonitorApp.Tests.Alerts.AlertSteps.EvaluateAsync(app);

        var rule = MonitorApp.Tests.Alerts.AlertSteps.Rule(await app.GetJsonAsync("/api/admin/alerts"), MonitorApp.Alerts.AlertRules.QualityPoorShare);
        var alert = Assert.Single(rule.GetProperty("alerts").EnumerateArray());
        Assert.Equal("livekit", alert.GetProperty("subject").GetString());
        Assert.Equal("firing", alert.GetProperty("state").GetString());
        Assert.Equal(0.3, alert.GetProperty("value").GetDouble());
        Assert.Equal("livekit: 30 % of 30 windows poor (MOS below 3.0) in the last hour, mostly delay (degraded above 20 %)", alert.GetProperty("reason").GetString());
    }

    [SkippableFact]
    public async Task TheDashboardsCard_ShowsEachProvidersLastHour_AsTheApiSaysIt_AndIsRefreshedWithTheOthers()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("d-1", "livekit"), Started("d-2", "daily_co"));
        await app.PostSessionEventsAsync(
            Stats("d-1", 50, rtt: 400, jitter: 60, loss: 8, direction: "send"), Stats("d-1", 40, rtt: 100, jitter: 10, loss: 1),
            Stats("d-2", 50, rtt: 40, jitter: 5, loss: 0, direction: "send"), Stats("d-2", 40, rtt: 40, jitter: 5, loss: 0));
        await app.RefreshAsync();
        var browser = await app.App.CreateClientAsAsync(MonitorApp.Auth.Roles.SystemMonitor);
        var page = await MonitorAppFactory.ParseAsync(await browser.GetAsync("/admin/dashboard"));

        var rows = page.QuerySelectorAll("#card-quality-providers tbody tr").ToList();
        Assert.Equal(["livekit", "daily_co"], rows.Select(r => r.GetAttribute("data-provider"))); // worst first, as the API
        string Cells(int row) => string.Join(" | ", rows[row].Children.Select(c => string.Join(' ', c.TextContent.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries))));
        // livekit: 1.77 and 4.31 → median (rank 1 of 2) 1.7, p10 1.7; one of two poor, by delay; send 1.7, receive 4.3.
        Assert.Equal("LiveKit | 1.7 (1.7) | 50 % | 1.7 / 4.3 | delay", Cells(0));
        Assert.Equal("Daily.co | 4.4 (4.4) | 0 % | 4.4 / 4.4 | —", Cells(1)); // 4.41 each

        var refresh = await MonitorAppFactory.ParseAsync(await browser.HtmxGetAsync("/admin/dashboard?handler=Cards"));
        Assert.Equal("true", refresh.QuerySelector("#card-quality-providers")!.GetAttribute("hx-swap-oob"));
    }

    [SkippableFact]
    public async Task AWindowThatIsNotOne_IsRefusedNamingIt()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var response = await app.Monitor.GetAsync("/api/admin/metrics/quality?window=30d");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal("'30d' is not a window: use 1h, 24h or 7d.", errors.GetProperty("window")[0].GetString());
        var empty = await app.GetJsonAsync("/api/admin/metrics/quality");
        Assert.Equal("1h", empty.GetProperty("window").GetString());
        Assert.Empty(empty.GetProperty("providers").EnumerateArray());
    }
}

public sealed class SqliteQualityIngestionTests() : QualityIngestionTests(DatabaseProvider.Sqlite);

public sealed class PostgresQualityIngestionTests() : QualityIngestionTests(DatabaseProvider.Postgres);
