using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;

namespace MonitorApp.Demo;

/// <summary>
/// Plays the platform: starts, heartbeats, measures (stats windows, with LiveKit having a bad hour every 8 hours) and ends sessions, and reports them through the
/// same <see cref="SessionIngestor"/> the ingestion API uses. Session ids start with "demo-". It also
/// plays a platform API whose request outcomes go through <see cref="RequestRecorder"/>, as posted ones do.
/// </summary>
internal sealed class DemoSessionSimulator(
    IServiceScopeFactory scopes,
    RequestRecorder requests,
    IOptions<DemoOptions> options,
    TimeProvider time,
    ILogger<DemoSessionSimulator> logger) : BackgroundService
{
    private static readonly string[] Categories = ["Anxiety", "Academic Stress", "Career", "Relationships", "Sleep", "Grief"];
    /// <summary>Each provider's character: its share of sessions and its typical path (round trip, mean jitter, mean loss, how often relayed).</summary>
    private static readonly (VideoProvider Provider, double Share, double RttMs, double JitterMs, double LossPct, double Relay)[] Providers =
    [
        (VideoProvider.DailyCo, 0.45, 70, 6, 0.3, 0.08),
        (VideoProvider.LiveKit, 0.35, 85, 8, 0.4, 0.12),
        (VideoProvider.BeyondPresence, 0.20, 130, 14, 0.9, 0.05),
    ];

    /// <summary>LiveKit has a bad hour every 8 hours (another than the API's incident hour): loss and delay climb.</summary>
    private static bool BadHour(VideoProvider provider, DateTime at) => provider == VideoProvider.LiveKit && at.Hour % 8 == 5;
    private static readonly TimeSpan MeanDuration = TimeSpan.FromMinutes(25);
    private const string DemoService = "platform-api-demo";

    private readonly Dictionary<string, VideoProvider> live = [];
    private readonly Random random = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var tick = TimeSpan.FromSeconds(options.Value.TickSeconds);
        try
        {
            await EndLeftoversAsync(stoppingToken);
            await BackfillRequestsAsync(stoppingToken);
            using var timer = new PeriodicTimer(tick, time);
            do
            {
                try
                {
                    await TickAsync(tick, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Demo simulator tick failed; trying again next tick");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Sessions a previous run left open would otherwise count as live until they go stale.</summary>
    private async Task EndLeftoversAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        var open = await db.Sessions.AsNoTracking()
            .Where(s => s.SessionId.StartsWith("demo-") && s.EndedAt == null)
            .Select(s => s.SessionId)
            .ToListAsync(cancellationToken);
        if (open.Count == 0)
            return;
        var at = Iso(time.GetUtcNow());
        var events = open.Select(id => new SessionEventDto(id, "ended", at)).ToList();
        foreach (var chunk in events.Chunk(SessionEventRules.MaxEventsPerBatch))
            await IngestAsync(scope.ServiceProvider, chunk, cancellationToken);
    }

    private async Task TickAsync(TimeSpan tick, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var at = Iso(now);
        var events = new List<SessionEventDto>();

        // A gentle daily wave around the target, so the counter has something to show.
        var hour = now.UtcDateTime.TimeOfDay.TotalHours;
        var target = (int)Math.Round(options.Value.TargetActiveSessions * (0.8 + 0.2 * Math.Sin(hour / 24 * 2 * Math.PI)));

        var endProbability = tick / MeanDuration;
        foreach (var id in live.Keys.ToList())
        {
            if (random.NextDouble() < endProbability)
            {
                events.Add(new SessionEventDto(id, "ended", at));
                live.Remove(id);
            }
        }

        var toStart = Math.Min(3, Math.Max(0, target - live.Count));
        for (var i = 0; i < toStart; i++)
        {
            var id = $"demo-{Guid.NewGuid():N}";
            var provider = PickProvider();
            live[id] = provider;
            events.Add(new SessionEventDto(id, "started", at, Categories[random.Next(Categories.Length)], provider.Name()));
        }

        // Every live session measures its audio both ways each tick, as a browser's getStats() would.
        var window = (int)Math.Clamp(tick.TotalSeconds, 1, Quality.WindowStatsRules.MaxWindowSeconds);
        foreach (var (id, provider) in live.ToList())
        {
            events.Add(new SessionEventDto(id, "heartbeat", at));
            events.Add(Measure(id, provider, Quality.WindowStatsRules.Send, at, window, now.UtcDateTime));
            events.Add(Measure(id, provider, Quality.WindowStatsRules.Receive, at, window, now.UtcDateTime));
        }

        await using var scope = scopes.CreateAsyncScope();
        await IngestAsync(scope.ServiceProvider, events, cancellationToken);
        SimulateRequests(now.UtcDateTime - tick, now.UtcDateTime);
    }

    /// <summary>A day of the simulated platform API's traffic, once, so the 24-hour chart has a shape.</summary>
    private async Task BackfillRequestsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        var since = RequestRollup.ToMinute(now.AddHours(-24));
        if (!await db.RequestRollups.AnyAsync(r => r.Service == DemoService && r.Minute >= since, cancellationToken))
            SimulateRequests(now.AddHours(-24), now);
    }

    /// <summary>
    /// Request outcomes of a simulated platform API between two instants, about 30 a minute: mostly
    /// quick, a slow tail, 0.5 % errors — and 4 % in an incident hour each day, so thresholds get crossed.
    /// </summary>
    private void SimulateRequests(DateTime from, DateTime to)
    {
        for (var at = from; at < to; at = at.AddSeconds(2))
        {
            var errorRate = at.Hour % 8 == 3 ? 0.04 : 0.005;
            var latency = 30 + -Math.Log(1 - random.NextDouble()) * 60 + (random.NextDouble() < 0.03 ? 600 : 0);
            requests.Record(DemoService, at, random.NextDouble() < errorRate ? 503 : 200, latency);
        }
    }

    private static async Task IngestAsync(IServiceProvider services, IReadOnlyList<SessionEventDto> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
            return;
        var outcome = await services.GetRequiredService<SessionIngestor>().IngestAsync(new SessionEventBatch(events), cancellationToken);
        if (outcome is IngestOutcome.Rejected rejected)
            throw new InvalidOperationException("Demo batch rejected: " + string.Join("; ", rejected.Errors.Select(e => $"{e.Key} {e.Value[0]}")));
    }

    private VideoProvider PickProvider()
    {
        var roll = random.NextDouble();
        foreach (var p in Providers)
        {
            if ((roll -= p.Share) < 0)
                return p.Provider;
        }
        return Providers[^1].Provider;
    }

    /// <summary>One window of a session's path: round trip around the provider's typical one, exponential jitter and loss.</summary>
    private SessionEventDto Measure(string id, VideoProvider provider, string direction, string at, int windowSeconds, DateTime now)
    {
        var p = Providers.First(x => x.Provider == provider);
        var bad = BadHour(provider, now);
        double Exponential(double mean) => -Math.Log(1 - random.NextDouble()) * mean;
        var rtt = Math.Round(p.RttMs * (0.6 + 0.8 * random.NextDouble()) + (bad ? 180 + Exponential(120) : 0), 1);
        var jitter = Math.Round(Exponential(bad ? p.JitterMs * 4 : p.JitterMs), 1);
        var loss = Math.Round(Math.Min(100, Exponential(bad ? 6 : p.LossPct)), 2);
        var relay = random.NextDouble() < p.Relay;
        var level = Quality.Mos.Score(rtt, jitter, loss).Level;
        // Each SDK's own word, as it would report it.
        var providerLevel = provider == VideoProvider.LiveKit
            ? level switch { ConnectionQuality.Excellent => "excellent", ConnectionQuality.Poor => "poor", _ => "good" }
            : provider == VideoProvider.DailyCo ? (level == ConnectionQuality.Poor ? "very-low" : level == ConnectionQuality.Fair ? "low" : "good") : null;
        return new SessionEventDto(id, "stats", at, Direction: direction, Kind: "audio", WindowSeconds: windowSeconds, PacketLossPct: loss, RttMs: rtt,
            JitterMs: jitter, BitrateKbps: Math.Round(32 * (1 - loss / 100), 1), ExpectedBitrateKbps: 32, Relay: relay, ProviderLevel: providerLevel);
    }

    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
}
