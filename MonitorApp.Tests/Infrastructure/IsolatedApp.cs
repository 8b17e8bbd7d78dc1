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
        var all = new Dictionary<string, string?> { ["Telemetry:RecordOwnRequests"] = "false" };
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

    /// <summary>
    /// For a test that moves the clock by minutes or hours: the background rounds (snapshot, alerts) run every 5 minutes
    /// instead of every few seconds, or advancing 3 hours would run thousands of them. Merged with <paramref name="settings"/>.
    /// </summary>
    public static Dictionary<string, string?> WithSlowRounds(Dictionary<string, string?> settings)
    {
        settings["Metrics:SnapshotSeconds"] = "300";
        settings["Alerts:EvaluateSeconds"] = "300";
        return settings;
    }

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
