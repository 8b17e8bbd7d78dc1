using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Data;

/// <summary>
/// Two MonitorApp processes on real ports and one PostgreSQL, as a deployment runs them behind a load
/// balancer: work that must happen once happens once and survives <c>kill -9</c>, and what one learns the other knows.
/// </summary>
public sealed class SeveralProcessesTests(ITestOutputHelper output)
{
    private const int ProbeSeconds = 5;

    [SkippableFact]
    public async Task OneProcessProbes_AndWhenItIsKilled_TheOtherTakesOverWithinOneProbeInterval()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var providers = await ProviderServer.StartAsync();
        var settings = await MigratedAsync(database);
        // Each process probes its own URL, so the provider can tell who asked.
        AppProcess a = await AppProcess.StartAsync(WithProbe(settings, providers, "a"));
        AppProcess b = await AppProcess.StartAsync(WithProbe(settings, providers, "b"));
        await using var disposeA = a;
        await using var disposeB = b;

        await Eventually.HoldsAsync(() => providers.Requests.Count >= 3, TimeSpan.FromSeconds(6 * ProbeSeconds), "three probe rounds");
        var probes = providers.Requests.ToList();
        var probers = probes.Select(p => p.Target[^1]).Distinct().ToList();
        Assert.True(probers.Count == 1, $"probes came from {string.Join(", ", probers)}");
        // One check per round: two probes in one round would be milliseconds apart. (The first gap is an interval less the
        // first probe's own time, which on a busy 2-core machine was over a second: 3.9 s.)
        var gaps = probes.Zip(probes.Skip(1), (x, y) => (y.At - x.At).TotalSeconds).ToList();
        Assert.True(probes.Count >= 3 && gaps.All(g => g > ProbeSeconds * 0.5), $"{probes.Count} probes, gaps {string.Join(", ", gaps.Select(g => g.ToString("F1")))} s");
        var stored = await CountAsync(database, "SELECT count(*) FROM service_checks WHERE service = 'daily_co'");
        // A round may be between its request and its row, and the next round may have probed and stored since the list was taken.
        Assert.InRange(stored, probes.Count - 1, providers.Requests.Count);

        var (leader, standby, standbyName) = probers[0] == 'a' ? (a, b, 'b') : (b, a, 'a');
        await leader.KillAsync();
        var killed = DateTime.UtcNow;
        // PostgreSQL frees the dead holder's lock within a second; the standby tries every RetryEvery and probes at once.
        await Eventually.HoldsAsync(() => providers.Requests.Any(p => p.At > killed && p.Target[^1] == standbyName),
            LeaderElection.RetryEvery + TimeSpan.FromSeconds(ProbeSeconds), $"the standby probing after the kill ({standby.Output.Length} characters of its output)");
        output.WriteLine($"after kill -9 of the elected process, the other probed {(DateTime.UtcNow - killed).TotalSeconds:F1} s later");
        Assert.True(await standby.ReadyAsync());
    }

    [SkippableFact]
    public async Task WhatOneProcessLearns_TheOtherKnows_AndTheirCountsAddUp()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = await MigratedAsync(database);
        var ingestToken = await AppProcess.CreateTokenAsync(settings, null, "ingest", Roles.Ingest);
        var readToken = await AppProcess.CreateTokenAsync(settings, null, "reader", Roles.SystemMonitor);
        var password = await AppProcess.AddUserAsync(settings, null, "operator@example.test", Roles.SystemMonitor);
        await using var a = await AppProcess.StartAsync(settings);
        await using var b = await AppProcess.StartAsync(settings);

        // One browser (one cookie jar) signs in on A; a load balancer sends its next requests to B.
        var jar = new CookieContainer();
        using var viaA = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } }) { BaseAddress = new Uri(a.BaseUrl) };
        using var viaB = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } }) { BaseAddress = new Uri(b.BaseUrl) };
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(viaA, "operator@example.test", password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await viaB.GetAsync("/admin/dashboard")).StatusCode);

        // Its live counter streams from B; a session is ingested through A.
        using var stream = await viaB.GetAsync("/admin/dashboard/stream", HttpCompletionOption.ResponseHeadersRead);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("0", await SseCount.NextAsync(reader, TimeSpan.FromSeconds(10)));
        using var ingestA = Bearer(a, ingestToken);
        var watch = Stopwatch.StartNew();
        var started = await ingestA.PostAsJsonAsync("/api/ingest/session-events", new
        {
            events = new[] { new { session_id = "p-1", type = "started", at = DateTime.UtcNow.ToString("O"), category = "Career", provider = "livekit" } },
        });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        Assert.Equal("1", await SseCount.NextAsync(reader, TimeSpan.FromSeconds(2)));
        output.WriteLine($"B pushed the new count {watch.ElapsedMilliseconds} ms after the ingest call on A began");

        // A token B has just trusted, revoked by an operator's command (a third process): B refuses it within 10 s.
        using var readB = Bearer(b, readToken);
        Assert.Equal(HttpStatusCode.OK, (await readB.GetAsync("/api/admin/metrics/current")).StatusCode);
        Assert.Equal(0, (await AppProcess.RunAsync(settings, null, "tokens", "revoke", "--name", "reader")).Code);
        watch.Restart();
        await Eventually.HoldsAsync(async () => (await readB.GetAsync("/api/admin/metrics/current")).StatusCode != HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "B refusing the revoked token");
        output.WriteLine($"B refused the revoked token {watch.ElapsedMilliseconds} ms after the revoke command ended");

        // Outcomes reported through both processes, several at once, add up exactly once both have stopped.
        using var ingestB = Bearer(b, ingestToken);
        var at = DateTime.UtcNow.ToString("O");
        var outcomes = new { requests = Enumerable.Range(0, 50).Select(i => new { service = "platform-api", at, status = i % 10 == 0 ? 503 : 200, duration_ms = 40 }).ToArray() };
        var posts = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? ingestA : ingestB).PostAsJsonAsync("/api/ingest/requests", outcomes));
        Assert.All(await Task.WhenAll(posts), r => Assert.True(r.IsSuccessStatusCode));
        stream.Dispose();
        await Task.WhenAll(a.TerminateAsync(TimeSpan.FromSeconds(30)), b.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(500, await CountAsync(database, "SELECT COALESCE(SUM(requests), 0) FROM request_rollups WHERE service = 'platform-api'"));
        Assert.Equal(50, await CountAsync(database, "SELECT COALESCE(SUM(errors_5xx), 0) FROM request_rollups WHERE service = 'platform-api'"));
        Assert.Equal(500, await CountAsync(database, "SELECT COALESCE(SUM(requests), 0) FROM request_rollups_hourly WHERE service = 'platform-api'"));
    }

    private static async Task<Dictionary<string, string>> MigratedAsync(TestDatabase database)
    {
        var settings = AppProcess.ProductionSettings(DatabaseProvider.Postgres, database.ConnectionString + ";Maximum Pool Size=20");
        settings["ExternalServices__IntervalSeconds"] = ProbeSeconds.ToString();
        settings["ExternalServices__TimeoutSeconds"] = "2";
        var (code, _, stderr) = await AppProcess.RunAsync(settings, null, "db", "migrate");
        Assert.True(code == 0, stderr);
        return settings;
    }

    private static Dictionary<string, string> WithProbe(Dictionary<string, string> settings, ProviderServer providers, string instance) =>
        new(settings)
        {
            ["ExternalServices__Services__daily_co__Enabled"] = "true",
            ["ExternalServices__Services__daily_co__Url"] = providers.Url($"/statuspage/none?from={instance}"),
        };

    private static HttpClient Bearer(AppProcess app, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<long> CountAsync(TestDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
