using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Sessions;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Pages.Dashboard;

/// <summary>The active-sessions stream: pushed soon after a change, throttled, one count shared by all.</summary>
public abstract class LiveCounterTests(DatabaseProvider provider, ITestOutputHelper output)
{
    private static object Started(string id) =>
        new { session_id = id, type = "started", at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1)), category = "Career", provider = "livekit" };

    /// <summary>Reads <c>event:</c>/<c>data:</c> blocks off a text/event-stream.</summary>
    private sealed class EventReader(Stream stream)
    {
        private readonly StreamReader reader = new(stream);

        public async Task<(string Event, string Data)?> NextAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            string? type = null, data = null;
            try
            {
                while (await reader.ReadLineAsync(timeout.Token) is { } line)
                {
                    if (line.StartsWith("event: "))
                        type = line["event: ".Length..];
                    else if (line.StartsWith("data: "))
                        data = line["data: ".Length..];
                    else if (line.Length == 0 && type is not null)
                        return (type, data ?? "");
                }
            }
            catch (OperationCanceledException)
            {
            }
            return null;
        }

        /// <summary>Whether the server ends the stream within <paramref name="within"/> (anything it sends first is skipped).</summary>
        public async Task<bool> EndsWithinAsync(TimeSpan within)
        {
            using var timeout = new CancellationTokenSource(within);
            try
            {
                while (await reader.ReadLineAsync(timeout.Token) is not null)
                {
                }
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public async Task<string?> NextCountAsync(TimeSpan within)
        {
            var deadline = Stopwatch.StartNew();
            while (deadline.Elapsed < within)
            {
                if (await NextAsync(within - deadline.Elapsed) is not { } e)
                    return null;
                if (e.Event == "active-sessions")
                    return e.Data;
            }
            return null;
        }
    }

    private static async Task<(HttpResponseMessage Response, EventReader Reader)> OpenStreamAsync(HttpClient client)
    {
        var response = await client.GetAsync("/admin/dashboard/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        return (response, new EventReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Two sessions started (s-1, s-2) and a monitor's stream open, which has said "2".</summary>
    private static async Task<(HttpResponseMessage Response, EventReader Events)> WatchTwoSessionsAsync(IsolatedApp app)
    {
        await app.PostSessionEventsAsync(Started("s-1"), Started("s-2"));
        var (response, events) = await OpenStreamAsync(await app.App.CreateClientAsAsync(Roles.SystemMonitor));
        Assert.Equal("2", await events.NextCountAsync(TimeSpan.FromSeconds(10)));
        return (response, events);
    }

    [SkippableFact]
    public async Task ASessionStarting_IsPushedToAnOpenDashboard_WithoutWaitingForThePoll()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var (response, events) = await WatchTwoSessionsAsync(app);
        using var _ = response;

        var watch = Stopwatch.StartNew();
        await app.PostSessionEventsAsync(Started("s-3"));
        Assert.Equal("3", await events.NextCountAsync(TimeSpan.FromSeconds(10)));
        output.WriteLine($"{provider}: count pushed {watch.ElapsedMilliseconds} ms after the ingest call returned");

        await app.PostSessionEventsAsync(new { session_id = "s-1", type = "ended", at = IsolatedApp.Iso(IsolatedApp.T0) });
        Assert.Equal("2", await events.NextCountAsync(TimeSpan.FromSeconds(10)));
    }

    [SkippableFact]
    public async Task SessionsGoingStale_WithoutAnyEvent_ReachTheStreamThroughTheSnapshot()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var (response, events) = await WatchTwoSessionsAsync(app);
        using var _ = response;

        app.Time.Advance(TimeSpan.FromMinutes(31)); // no heartbeat for 30 min: no longer active, and nothing was ingested
        await app.RefreshAsync();

        Assert.Equal("0", await events.NextCountAsync(TimeSpan.FromSeconds(10)));
    }

    [SkippableFact]
    public async Task AViewerDisabledWhileWatching_StopsReceivingWithinHalfAMinute_AnotherGoesOn()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await app.PostSessionEventsAsync(Started("s-1"));
        var leaver = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var leaverClient = app.App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(leaverClient, leaver, MonitorAppFactory.Password);
        var (leaverResponse, leaverEvents) = await OpenStreamAsync(leaverClient);
        using var _ = leaverResponse;
        var (stayerResponse, stayerEvents) = await OpenStreamAsync(await app.App.CreateClientAsAsync(Roles.SystemMonitor));
        using var __ = stayerResponse;
        Assert.Equal("1", await leaverEvents.NextCountAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("1", await stayerEvents.NextCountAsync(TimeSpan.FromSeconds(10)));

        await using (var scope = app.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().DisableAsync(leaver);
        // At the next check (the app's clock half a minute on), not at the stream's end ten minutes later.
        app.Time.Advance(ViewerCheck.Every);
        Assert.True(await leaverEvents.EndsWithinAsync(TimeSpan.FromSeconds(10)), "the disabled viewer's stream went on");

        // The other viewer, checked too, is still fed.
        await app.PostSessionEventsAsync(Started("s-2"));
        Assert.Equal("2", await stayerEvents.NextCountAsync(TimeSpan.FromSeconds(10)));
    }

    [SkippableFact]
    public async Task TheStream_IsForMonitorsOnly()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var anonymous = await app.App.CreateBrowserClient().GetAsync("/admin/dashboard/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/login", anonymous.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        var content = await (await app.App.CreateClientAsAsync(Roles.ContentManager)).GetAsync("/admin/dashboard/stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.Redirect, content.StatusCode);
        Assert.StartsWith("/access-denied", content.Headers.Location!.OriginalString.Replace("http://localhost", ""));
    }

    [SkippableFact]
    public async Task ABurstOfEvents_CostsAtMostOneCountASecond_AndEveryViewerGetsTheSameFinalFigure()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var live = app.App.Services.GetRequiredService<LiveSessionCount>();
        var viewers = new List<(HttpResponseMessage, EventReader)>();
        for (var i = 0; i < 3; i++)
            viewers.Add(await OpenStreamAsync(await app.App.CreateClientAsAsync(Roles.SystemMonitor)));
        foreach (var (_, reader) in viewers)
            Assert.Equal("0", await reader.NextCountAsync(TimeSpan.FromSeconds(10)));

        var recountsBefore = live.Recounts;
        var watch = Stopwatch.StartNew();
        const int batches = 60;
        for (var i = 0; i < batches; i++)
            await app.PostSessionEventsAsync(Started($"burst-{i}"));
        var burst = watch.Elapsed;

        foreach (var (_, reader) in viewers)
        {
            string? last = null;
            var pushes = 0;
            while (last != batches.ToString() && await reader.NextCountAsync(TimeSpan.FromSeconds(10)) is { } count)
            {
                last = count;
                pushes++;
            }
            Assert.Equal(batches.ToString(), last);
            // One push a second at most, plus the one already due when the burst began.
            Assert.True(pushes <= Math.Ceiling(watch.Elapsed.TotalSeconds) + 1, $"{pushes} pushes in {watch.Elapsed.TotalSeconds:F1} s");
        }
        var recounts = live.Recounts - recountsBefore;
        output.WriteLine($"{provider}: {batches} ingest batches in {burst.TotalMilliseconds:F0} ms, 3 viewers → {recounts} COUNT queries in {watch.Elapsed.TotalSeconds:F1} s");
        Assert.True(recounts <= Math.Ceiling(watch.Elapsed.TotalSeconds) + 1, $"{recounts} counts in {watch.Elapsed.TotalSeconds:F1} s");
        foreach (var (response, _) in viewers)
            response.Dispose();
    }
}

public sealed class SqliteLiveCounterTests(ITestOutputHelper output) : LiveCounterTests(DatabaseProvider.Sqlite, output);

public sealed class PostgresLiveCounterTests(ITestOutputHelper output) : LiveCounterTests(DatabaseProvider.Postgres, output);
