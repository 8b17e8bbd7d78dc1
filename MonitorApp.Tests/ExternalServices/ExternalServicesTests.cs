using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.ExternalServices;

/// <summary>Real probes against a local HTTP server playing the providers, stored in each database.</summary>
public abstract class ExternalServicesTests(DatabaseProvider provider)
{
    private static readonly DateTime T0 = IsolatedApp.T0.UtcDateTime;

    private static Dictionary<string, string?> Settings(int failuresBeforeDown, double timeoutSeconds, params (string Name, string Kind, string Url)[] services)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ExternalServices:FailuresBeforeDown"] = failuresBeforeDown.ToString(),
            ["ExternalServices:TimeoutSeconds"] = timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ExternalServices:DegradedLatencyMs"] = "300",
        };
        foreach (var (name, kind, url) in services)
        {
            settings[$"ExternalServices:Services:{name}:DisplayName"] = $"Provider {name}";
            settings[$"ExternalServices:Services:{name}:Kind"] = kind;
            settings[$"ExternalServices:Services:{name}:Url"] = url;
            settings[$"ExternalServices:Services:{name}:Enabled"] = "true";
        }
        return settings;
    }

    private static ExternalServiceProber Prober(IsolatedApp app) => app.App.Services.GetRequiredService<ExternalServiceProber>();

    private static async Task<JsonElement> ExternalServicesAsync(IsolatedApp app)
    {
        await app.RefreshAsync();
        return await app.GetJsonAsync("/api/admin/metrics/external-services");
    }

    [SkippableFact]
    public async Task EveryKindOfAnswer_MapsToTheStatusAnOperatorExpects_WithTheReasonKept()
    {
        await using var server = await ProviderServer.StartAsync();
        var settings = Settings(failuresBeforeDown: 1, timeoutSeconds: 1,
            ("sp_none", "statuspage", server.Url("/statuspage/none")),
            ("sp_minor", "statuspage", server.Url("/statuspage/minor")),
            ("sp_major", "statuspage", server.Url("/statuspage/major")),
            ("sp_critical", "statuspage", server.Url("/statuspage/critical")),
            ("sp_malformed", "statuspage", server.Url("/malformed")),
            ("sp_503", "statuspage", server.Url("/status/503")),
            ("http_200", "http", server.Url("/status/200")),
            ("http_500", "http", server.Url("/status/500")),
            ("http_503", "http", server.Url("/status/503")),
            ("http_slow", "http", server.Url("/slow/600")),
            ("http_closed", "http", ProviderServer.ClosedPortUrl()),
            ("http_key", "http", server.Url("/needs-key")),
            ("http_expected", "http", server.Url("/status/401")));
        settings["ExternalServices:Services:http_key:Headers:x-api-key"] = "test-key";
        settings["ExternalServices:Services:http_expected:ExpectedStatus"] = "401";
        // The contract's avatar provider without its API key: not probed, not called down.
        settings["ExternalServices:Services:beyond_presence:Enabled"] = "true";
        settings["ExternalServices:Services:beyond_presence:Url"] = server.Url("/needs-key");
        await using var app = await IsolatedApp.StartAsync(provider, settings);
        await Prober(app).FirstRound;

        var json = await ExternalServicesAsync(app);
        var services = json.GetProperty("services");
        void Expect(string name, string status, string detail)
        {
            Assert.Equal(status, json.GetProperty(name).GetString());
            var service = services.GetProperty(name);
            Assert.Equal(status, service.GetProperty("status").GetString());
            Assert.Contains(detail, service.GetProperty("detail").GetString());
        }
        Expect("sp_none", "operational", "Indicator none description");
        Expect("sp_minor", "degraded", "Indicator minor description");
        Expect("sp_major", "down", "Indicator major description");
        Expect("sp_critical", "down", "Indicator critical description");
        Expect("sp_malformed", "down", "malformed JSON");
        Expect("sp_503", "down", "status page answered HTTP 503");
        Expect("http_200", "operational", "HTTP 200");
        Expect("http_500", "down", "HTTP 500");
        Expect("http_503", "down", "HTTP 503");
        Expect("http_slow", "degraded", "slower than 300 ms");
        Expect("http_closed", "down", "request failed");
        Expect("http_key", "operational", "HTTP 200");
        Expect("http_expected", "operational", "HTTP 401");
        Expect("beyond_presence", "unknown", "not configured (x-api-key is empty)");
        Expect("daily_co", "unknown", "not configured (disabled in configuration)");

        Assert.True(services.GetProperty("http_slow").GetProperty("last_latency_ms").GetInt32() >= 600);
        Assert.Equal(T0, services.GetProperty("http_200").GetProperty("last_checked_at").GetDateTime().ToUniversalTime());
        Assert.Equal(100, services.GetProperty("http_200").GetProperty("uptime_percent").GetProperty("24h").GetDouble());
        Assert.Equal(0, services.GetProperty("http_500").GetProperty("uptime_percent").GetProperty("30d").GetDouble());
        Assert.Equal(50, services.GetProperty("http_slow").GetProperty("uptime_percent").GetProperty("7d").GetDouble());
        Assert.Contains("x-api-key is empty", services.GetProperty("beyond_presence").GetProperty("unknown").GetProperty("uptime_24h").GetString());

        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal("degraded", current.GetProperty("system_health").GetString());
        var reasons = current.GetProperty("health_reasons").EnumerateArray().Select(r => r.GetString()).ToList();
        Assert.Contains("Provider http_500 is down (degraded)", reasons);
        Assert.DoesNotContain(reasons, r => r!.Contains("http_200") || r.Contains("Beyond Presence"));

        var stored = await app.App.WithDbAsync(db => db.ServiceChecks.CountAsync());
        Assert.Equal(13, stored); // every check of the round, including the ones that failed
    }

    [SkippableFact]
    public async Task AProviderThatNeverAnswers_IsDownOnceTheTimeoutPasses()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(failuresBeforeDown: 1, timeoutSeconds: 3, ("livekit", "http", server.Url("/hang"))));
        await server.WaitForHangingRequestAsync();
        var prober = Prober(app);

        // The timeout runs on the app's clock, so the test moves it instead of waiting.
        app.Time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.NotSame(prober.FirstRound, await Task.WhenAny(prober.FirstRound, Task.Delay(200))); // still waiting just before the timeout
        app.Time.Advance(TimeSpan.FromSeconds(0.1));
        await prober.FirstRound.WaitAsync(TimeSpan.FromSeconds(10));

        var livekit = (await ExternalServicesAsync(app)).GetProperty("services").GetProperty("livekit");
        Assert.Equal("down", livekit.GetProperty("status").GetString());
        Assert.Equal("no answer within 3 s", livekit.GetProperty("detail").GetString());
        Assert.Equal(JsonValueKind.Null, livekit.GetProperty("last_latency_ms").ValueKind);
        await ProviderServer.WaitUntilAsync(() => server.HangingRequests == 0, "the timed-out call was left open"); // abandoned, not leaked
    }

    [SkippableFact]
    public async Task OneFailedCheck_IsABlip_TheSecondInARowIsAnOutage_AndRecoveryIsImmediate()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(failuresBeforeDown: 2, timeoutSeconds: 5, ("livekit", "http", server.Url("/switch"))));
        var prober = Prober(app);
        await prober.FirstRound;
        var first = await ExternalServicesAsync(app);
        Assert.Equal("operational", first.GetProperty("livekit").GetString());

        server.SwitchStatus = 500;
        app.Time.Advance(TimeSpan.FromSeconds(1)); // distinct check times; the 60 s timer does not fire
        await prober.CheckAllAsync(CancellationToken.None);
        var blip = await ExternalServicesAsync(app);
        Assert.Equal("operational", blip.GetProperty("livekit").GetString());
        Assert.Contains("failed check 1 of 2 before down", blip.GetProperty("services").GetProperty("livekit").GetProperty("detail").GetString());
        Assert.Equal("healthy", (await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("system_health").GetString());

        app.Time.Advance(TimeSpan.FromSeconds(1));
        await prober.CheckAllAsync(CancellationToken.None);
        var outage = await ExternalServicesAsync(app);
        var detail = outage.GetProperty("services").GetProperty("livekit");
        Assert.Equal("down", outage.GetProperty("livekit").GetString());
        Assert.Equal(2, detail.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(T0.AddSeconds(2), detail.GetProperty("status_since").GetDateTime().ToUniversalTime());
        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        Assert.Equal("degraded", current.GetProperty("system_health").GetString());
        Assert.Contains("Provider livekit is down (degraded)", current.GetProperty("health_reasons").EnumerateArray().Select(r => r.GetString()));

        server.SwitchStatus = 204;
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await prober.CheckAllAsync(CancellationToken.None);
        var recovered = await ExternalServicesAsync(app);
        Assert.Equal("operational", recovered.GetProperty("livekit").GetString());
        Assert.Equal(T0.AddSeconds(3), recovered.GetProperty("services").GetProperty("livekit").GetProperty("status_since").GetDateTime().ToUniversalTime());
        // Four checks: operational, operational (the blip), down, operational → 75 % up.
        Assert.Equal(75, recovered.GetProperty("services").GetProperty("livekit").GetProperty("uptime_percent").GetProperty("24h").GetDouble());
        Assert.Equal("healthy", (await app.GetJsonAsync("/api/admin/metrics/current")).GetProperty("system_health").GetString());

        var results = await app.App.WithDbAsync(db => db.ServiceChecks.OrderBy(c => c.Id).Select(c => c.Result + "/" + c.Status).ToListAsync());
        Assert.Equal(["operational/operational", "down/operational", "down/down", "operational/operational"], results);
    }

    [SkippableFact]
    public async Task AfterARestart_TheProberCarriesOnFromTheStoredStatus()
    {
        await using var server = await ProviderServer.StartAsync();
        server.SwitchStatus = 500;
        var settings = Settings(failuresBeforeDown: 2, timeoutSeconds: 5, ("livekit", "http", server.Url("/switch")));
        await using var database = await TestDatabase.CreateAsync(provider);
        await using (var before = await IsolatedApp.StartAsync(provider, settings, TestDatabase.Existing(provider, database.ConnectionString)))
        {
            var prober = Prober(before);
            await prober.FirstRound;
            await prober.CheckAllAsync(CancellationToken.None);
            Assert.Equal("down", (await ExternalServicesAsync(before)).GetProperty("livekit").GetString());
        }

        // Same database, new process: one more failure keeps it down since the original time, not "unknown".
        await using var after = await IsolatedApp.StartAsync(provider, settings, TestDatabase.Existing(provider, database.ConnectionString));
        await Prober(after).FirstRound;
        var livekit = (await ExternalServicesAsync(after)).GetProperty("services").GetProperty("livekit");
        Assert.Equal("down", livekit.GetProperty("status").GetString());
        Assert.Equal(3, livekit.GetProperty("consecutive_failures").GetInt32());
        Assert.Equal(T0, livekit.GetProperty("status_since").GetDateTime().ToUniversalTime());
    }

    [SkippableFact]
    public async Task Uptime_CountsOperationalAsUp_DegradedAsHalf_OverEachWindow()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(1, 5, ("daily_co", "statuspage", server.Url("/statuspage/none"))));
        await Prober(app).FirstRound;
        await app.App.WithDbAsync(async db =>
        {
            await db.ServiceChecks.ExecuteDeleteAsync();
            var minute = 0;
            void Add(TimeSpan ago, string status, int count)
            {
                for (var i = 0; i < count; i++)
                {
                    var at = T0 - ago - TimeSpan.FromMinutes(minute++);
                    db.ServiceChecks.Add(new ServiceCheck
                    {
                        Service = "daily_co", CheckedAt = at, Result = status == ServiceStatus.Unknown ? ServiceStatus.Down : status, Status = status,
                        StatusSince = at, LatencyMs = 40, Detail = "seeded",
                    });
                }
            }
            // Last 24 h: 6 up, 2 degraded, 2 down (and 3 before any status was known, left out) → 7 of 10 = 70 %.
            Add(TimeSpan.FromHours(1), ServiceStatus.Operational, 6);
            Add(TimeSpan.FromHours(2), ServiceStatus.Degraded, 2);
            Add(TimeSpan.FromHours(3), ServiceStatus.Down, 2);
            Add(TimeSpan.FromHours(4), ServiceStatus.Unknown, 3);
            // 2 days ago: 10 up → 7 d: 17 of 20 = 85 %.
            Add(TimeSpan.FromDays(2), ServiceStatus.Operational, 10);
            // 10 days ago: 19 down, 1 degraded → 30 d: 17.5 of 40 = 43.75 %.
            Add(TimeSpan.FromDays(10), ServiceStatus.Down, 19);
            Add(TimeSpan.FromDays(10), ServiceStatus.Degraded, 1);
            // 31 days ago: outside every window.
            Add(TimeSpan.FromDays(31), ServiceStatus.Down, 5);
            await db.SaveChangesAsync();
        });

        var uptime = (await ExternalServicesAsync(app)).GetProperty("services").GetProperty("daily_co").GetProperty("uptime_percent");
        Assert.Equal(70, uptime.GetProperty("24h").GetDouble());
        Assert.Equal(85, uptime.GetProperty("7d").GetDouble());
        Assert.Equal(43.75, uptime.GetProperty("30d").GetDouble());
    }

    [SkippableFact]
    public async Task ALastCheckOlderThanThreeRounds_IsNotPresentedAsTheCurrentStatus()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(1, 5, ("livekit", "statuspage", server.Url("/statuspage/none"))));
        await Prober(app).FirstRound;
        await app.App.WithDbAsync(async db =>
        {
            await db.ServiceChecks.ExecuteDeleteAsync();
            var at = T0.AddMinutes(-10);
            db.ServiceChecks.Add(new ServiceCheck
            {
                Service = "livekit", CheckedAt = at, Result = "operational", Status = "operational", StatusSince = at, LatencyMs = 12, Detail = "All Systems Operational",
            });
            await db.SaveChangesAsync();
        });

        var livekit = (await ExternalServicesAsync(app)).GetProperty("services").GetProperty("livekit");
        Assert.Equal("unknown", livekit.GetProperty("status").GetString());
        Assert.Contains("no check for 10 min (is the prober running?); last: operational", livekit.GetProperty("detail").GetString());
        Assert.Equal(T0.AddMinutes(-10), livekit.GetProperty("last_checked_at").GetDateTime().ToUniversalTime());
    }

    [SkippableFact]
    public async Task AHangingProvider_NeverSlowsTheApi()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(1, 30, ("livekit", "http", server.Url("/hang"))));
        await server.WaitForHangingRequestAsync();

        var current = await app.GetJsonAsync("/api/admin/metrics/current");
        var external = await app.GetJsonAsync("/api/admin/metrics/external-services");

        Assert.Equal(1, server.HangingRequests); // both answered while the probe is still waiting
        Assert.Equal("healthy", current.GetProperty("system_health").GetString());
        Assert.Equal("unknown", external.GetProperty("livekit").GetString());
        Assert.Equal("not checked yet", external.GetProperty("services").GetProperty("livekit").GetProperty("detail").GetString());
    }

    [SkippableFact]
    public async Task ARedirect_IsAFailedCheckNamingItsTarget_AndTheApiKeyNeverLeaves()
    {
        await using var server = await ProviderServer.StartAsync();
        var settings = Settings(1, 5, ("livekit", "http", server.Url("/redirect-to-key")), ("daily_co", "statuspage", server.Url("/redirect-to-key")));
        settings["ExternalServices:Services:livekit:Headers:x-api-key"] = "test-key";
        settings["ExternalServices:Services:daily_co:Headers:x-api-key"] = "test-key";
        await using var app = await IsolatedApp.StartAsync(provider, settings);

        var checks = await Prober(app).CheckAllAsync(CancellationToken.None);
        foreach (var name in new[] { "livekit", "daily_co" })
        {
            var check = checks.Single(c => c.Service == name);
            Assert.Equal("down", check.Result);
            Assert.Contains("HTTP 302", check.Detail);
            // Where it pointed, as scheme://host:port only: the target's credentials, path and query are not repeated.
            Assert.Contains($"redirecting to http://localhost:{new Uri(server.BaseUrl).Port} (not followed)", check.Detail);
            Assert.DoesNotContain("secret", check.Detail);
        }
        Assert.DoesNotContain(server.Requests, r => r.Target.StartsWith("/needs-key"));
    }

    [SkippableFact]
    public async Task ChecksOlderThanTheRetention_ArePruned()
    {
        await using var server = await ProviderServer.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(1, 5, ("livekit", "http", server.Url("/status/200"))));
        var prober = Prober(app);
        await prober.FirstRound;
        await app.App.WithDbAsync(async db =>
        {
            foreach (var days in new[] { 29, 31, 45 })
            {
                var at = T0.AddDays(-days);
                db.ServiceChecks.Add(new ServiceCheck { Service = "livekit", CheckedAt = at, Result = "down", Status = "down", StatusSince = at, Detail = "old" });
            }
            await db.SaveChangesAsync();
        });

        app.Time.Advance(TimeSpan.FromHours(1)); // pruning runs with a round at most hourly
        await prober.CheckAllAsync(CancellationToken.None);

        var left = await app.App.WithDbAsync(db => db.ServiceChecks.Where(c => c.Detail == "old").Select(c => c.CheckedAt).ToListAsync());
        Assert.Equal([T0.AddDays(-29)], left);
    }
}

public sealed class SqliteExternalServicesTests() : ExternalServicesTests(DatabaseProvider.Sqlite);

public sealed class PostgresExternalServicesTests() : ExternalServicesTests(DatabaseProvider.Postgres);

public sealed class FlapGuardTests
{
    private static readonly DateTime T = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    [SkippableFact]
    public void FirstEverCheckFailing_StaysUnknownUntilTheThreshold()
    {
        var one = ServiceState.Next(null, ServiceStatus.Down, T, 3);
        var two = ServiceState.Next(one, ServiceStatus.Down, T.AddMinutes(1), 3);
        var three = ServiceState.Next(two, ServiceStatus.Down, T.AddMinutes(2), 3);
        Assert.Equal((ServiceStatus.Unknown, 1), (one.Status, one.ConsecutiveFailures));
        Assert.Equal((ServiceStatus.Unknown, 2), (two.Status, two.ConsecutiveFailures));
        Assert.Equal((ServiceStatus.Down, 3, T.AddMinutes(2)), (three.Status, three.ConsecutiveFailures, three.StatusSince));
    }

    [SkippableFact]
    public void DegradedIsNotAFailure_ItResetsTheCountAndShowsAtOnce()
    {
        var up = ServiceState.Next(null, ServiceStatus.Operational, T, 2);
        var failed = ServiceState.Next(up, ServiceStatus.Down, T.AddMinutes(1), 2);
        var slow = ServiceState.Next(failed, ServiceStatus.Degraded, T.AddMinutes(2), 2);
        var failedAgain = ServiceState.Next(slow, ServiceStatus.Down, T.AddMinutes(3), 2);
        Assert.Equal((ServiceStatus.Operational, T), (failed.Status, failed.StatusSince));
        Assert.Equal((ServiceStatus.Degraded, 0, T.AddMinutes(2)), (slow.Status, slow.ConsecutiveFailures, slow.StatusSince));
        Assert.Equal((ServiceStatus.Degraded, 1), (failedAgain.Status, failedAgain.ConsecutiveFailures));
    }
}
