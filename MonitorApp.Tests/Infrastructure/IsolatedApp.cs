using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Telemetry;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// An app with a database of its own and a clock the test controls, for tests that assert exact
/// aggregate figures (which a shared database would blur). Background timers only move when the test
/// advances the clock; <see cref="RefreshAsync"/> computes the snapshot on demand.
/// The background rounds (snapshot, alert board, alert evaluation) run every 5 minutes unless a test asks for
/// its own period: advancing a fake clock fires every period it passes, so with the shipped 5 seconds a test that
/// moves the clock an hour ran 720 snapshot rounds and as many alert reads (11 s of CPU for one test; issue 26).
/// </summary>
public sealed class IsolatedApp : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);

    private IsolatedApp(TestDatabase database, MonitorAppFactory app, FakeTimeProvider time)
    {
        Database = database;
        App = app;
        Time = time;
    }

    public TestDatabase Database { get; }
    public MonitorAppFactory App { get; }
    public FakeTimeProvider Time { get; }
    public HttpClient Monitor { get; private set; } = null!;
    public HttpClient Ingest { get; private set; } = null!;

    public static async Task<IsolatedApp> StartAsync(DatabaseProvider provider, IReadOnlyDictionary<string, string?>? settings = null, TestDatabase? database = null)
    {
        database ??= await TestDatabase.CreateAsync(provider);
        var time = new FakeTimeProvider(T0);
        var all = new Dictionary<string, string?>
        {
            ["Telemetry:RecordOwnRequests"] = "false",
            ["Metrics:SnapshotSeconds"] = SlowRoundSeconds,
            ["Alerts:EvaluateSeconds"] = SlowRoundSeconds,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            all[key] = value;
        var app = new MonitorAppFactory(database, all, time);
        await app.StartedAsync();
        var isolated = new IsolatedApp(database, app, time);
        isolated.Monitor = await isolated.TokenClientAsync(Roles.SystemMonitor);
        isolated.Ingest = await isolated.TokenClientAsync(Roles.Ingest);
        return isolated;
    }

    private async Task<HttpClient> TokenClientAsync(string role)
    {
        var client = App.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await App.CreateTokenAsync(role));
        return client;
    }

    /// <summary>The background rounds' period in an isolated app, unless a test sets its own.</summary>
    public const string SlowRoundSeconds = "300";

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    public async Task PostSessionEventsAsync(params object[] events)
    {
        var response = await Ingest.PostAsJsonAsync("/api/ingest/session-events", new { events });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task PostRequestsAsync(IEnumerable<object> requests)
    {
        var response = await Ingest.PostAsJsonAsync("/api/ingest/requests", new { requests });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    public Task<MetricsSnapshot> RefreshAsync() => App.Services.GetRequiredService<MetricsSnapshotService>().RefreshAsync(CancellationToken.None);

    public Task FlushOwnRequestsAsync() => App.Services.GetRequiredService<TelemetryFlusher>().FlushAsync(CancellationToken.None);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var response = await Monitor.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Database.DisposeAsync();
    }
}
