using MonitorApp.Telemetry;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Data;

/// <summary>Two instances on one PostgreSQL: what one learns, the other knows at once.</summary>
public sealed class SeveralInstancesTests(ITestOutputHelper output)
{
    /// <summary>No snapshot within a test's time: what reaches the other instance travels by notification.</summary>
    private static readonly Dictionary<string, string?> QuietSnapshots = new() { ["Metrics:SnapshotSeconds"] = "300" };

    [SkippableFact]
    public async Task ASessionIngestedOnOneInstance_ReachesALiveDashboardOnTheOther_WithinTwoSeconds()
    {
        await using var cluster = await TwoInstances.StartAsync();
        var (a, b) = (cluster.A, cluster.B);

        var viewer = await b.CreateClientAsAsync(Roles.SystemMonitor);
        using var stream = await viewer.GetAsync("/admin/dashboard/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.Equal("0", await SseCount.NextAsync(reader, TimeSpan.FromSeconds(10)));

        var ingest = await a.CreateTokenClientAsync(Roles.Ingest);
        var watch = Stopwatch.StartNew();
        var response = await ingest.PostAsJsonAsync("/api/ingest/session-events", new
        {
            events = new[] { new { session_id = "s-1", type = "started", at = DateTime.UtcNow.ToString("O"), category = "Career", provider = "livekit" } },
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        Assert.Equal("1", await SseCount.NextAsync(reader, TimeSpan.FromSeconds(2)));
        output.WriteLine($"the other instance pushed the count {watch.ElapsedMilliseconds} ms after the ingest call began");
    }

    [SkippableFact]
    public async Task ATokenRevokedOnOneInstance_IsRefusedAtOnceByTheOther_ThoughItVerifiedItAMomentAgo()
    {
        await using var cluster = await TwoInstances.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var name = $"shared-{Guid.NewGuid():N}";
        var client = b.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await a.CreateTokenAsync(Roles.SystemMonitor, name));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/metrics/current")).StatusCode); // B now trusts it for 10 s

        await using (var scope = a.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ApiTokenService>().RevokeAsync(name, CancellationToken.None);

        // Within 2 s, though B would trust its own check for 10 s.
        await Eventually.HoldsAsync(async () => (await client.GetAsync("/api/admin/metrics/current")).StatusCode, status => status == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(2), "B refusing the token A revoked", TimeSpan.FromMilliseconds(50));
    }

    [SkippableFact]
    public async Task RequestsSpreadOverTwoInstances_AddUpExactly()
    {
        await using var cluster = await TwoInstances.StartAsync();
        var (a, b) = (cluster.A, cluster.B);
        var at = DateTime.UtcNow.ToString("O");
        var outcomes = new { requests = Enumerable.Range(0, 50).Select(i => new { service = "platform-api", at, status = i % 10 == 0 ? 503 : 200, duration_ms = 40 }).ToArray() };

        // Reported outcomes and each instance's own requests, alternating between the instances, several at once.
        var ingestA = await a.CreateTokenClientAsync(Roles.Ingest);
        var ingestB = await b.CreateTokenClientAsync(Roles.Ingest);
        var posts = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? ingestA : ingestB).PostAsJsonAsync("/api/ingest/requests", outcomes));
        Assert.All(await Task.WhenAll(posts), r => Assert.True(r.IsSuccessStatusCode));
        await Task.WhenAll(
            a.Services.GetRequiredService<MonitorApp.Telemetry.TelemetryFlusher>().FlushAsync(CancellationToken.None),
            b.Services.GetRequiredService<MonitorApp.Telemetry.TelemetryFlusher>().FlushAsync(CancellationToken.None));

        var (requests, errors) = await a.WithDbAsync(async db => (
            await db.RequestRollups.Where(r => r.Service == "platform-api").SumAsync(r => r.Requests),
            await db.RequestRollups.Where(r => r.Service == "platform-api").SumAsync(r => r.Errors5xx)));
        Assert.Equal((500L, 50L), (requests, errors));
        Assert.Equal(500L, await a.WithDbAsync(db => db.RequestRollupHours.Where(r => r.Service == "platform-api").SumAsync(r => r.Requests)));
        // The ten ingestion calls themselves, counted by the instance that served each.
        Assert.Equal(10L, await a.WithDbAsync(db => db.RequestRollups.Where(r => r.Service == "monitor-app").SumAsync(r => r.Requests)));
    }

    [SkippableFact]
    public async Task ASignInOnOneInstance_WorksOnTheOther()
    {
        await using var cluster = await TwoInstances.StartAsync();
        var (a, b) = (cluster.A, cluster.B);

        // One browser (one cookie jar) whose requests a load balancer sends to A, then to B.
        var jar = new System.Net.CookieContainer();
        var viaA = a.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(jar));
        var viaB = b.CreateDefaultClient(new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(jar));
        var email = await a.CreateUserAsync(Roles.SystemMonitor);
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(viaA, email, MonitorAppFactory.Password)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await viaB.GetAsync("/admin/dashboard")).StatusCode); // B reads A's cookie: the keys are in the database
    }

    /// <summary>Two instances of the app on one PostgreSQL database, each listening to the other.</summary>
    private sealed class TwoInstances : IAsyncDisposable
    {
        private TestDatabase database = null!;

        public MonitorAppFactory A { get; private set; } = null!;
        public MonitorAppFactory B { get; private set; } = null!;

        public static async Task<TwoInstances> StartAsync()
        {
            var two = new TwoInstances { database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres) };
            two.A = new MonitorAppFactory(two.database, QuietSnapshots);
            await two.A.StartedAsync();
            two.B = new MonitorAppFactory(two.database, QuietSnapshots);
            await two.B.StartedAsync();
            return two;
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            await database.DisposeAsync();
        }
    }
}
