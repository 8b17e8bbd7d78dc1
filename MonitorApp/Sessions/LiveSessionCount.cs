using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Sessions;

/// <summary>
/// The number of active sessions, pushed to live dashboards within about a second of a change. Ingestion
/// calls <see cref="Changed"/>; at most once a second one COUNT query runs and its result goes to every
/// subscriber, so the cost depends neither on events per second nor on the number of viewers. Between
/// events the metrics snapshot <see cref="Offer"/>s the count it computes every few seconds anyway, which
/// brings in what no event here announces: other instances' ingestion, sessions going stale.
/// </summary>
public sealed class LiveSessionCount(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<SessionsOptions> options,
    ILogger<LiveSessionCount> logger) : BackgroundService, IClusterListener
{
    private readonly SemaphoreSlim wake = new(0, 1);
    private readonly Lock subscribersLock = new();
    private readonly List<Channel<long>> subscribers = [];
    /// <summary>The last count published; -1 before the first and when nobody watches. Written under the subscribers' lock.</summary>
    private long latest = -1;
    /// <summary>When (Stopwatch timestamp) the count behind <see cref="latest"/> began: an older count never replaces a newer one.</summary>
    private long latestStarted;
    private int recounts;

    /// <summary>How many COUNT queries have run (the throttle's effect is visible in tests and benchmarks).</summary>
    public int Recounts => Volatile.Read(ref recounts);

    /// <summary>The topic another instance's batch of session events is announced under.</summary>
    public const string ClusterTopic = "sessions";

    string IClusterListener.Topic => ClusterTopic;
    void IClusterListener.Receive(string? key) => Changed();
    void IClusterListener.Missed() => Changed();

    /// <summary>Something may have changed the count; cheap and safe to call for every batch.</summary>
    public void Changed()
    {
        try
        {
            wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled: the next count will see this change too.
        }
    }

    /// <summary>
    /// Starts with the last count (when there is one) and then receives each different one. Each
    /// subscriber holds only the newest count: a slow reader skips values, it never queues them.
    /// </summary>
    public Subscription Subscribe()
    {
        var channel = Channel.CreateBounded<long>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (subscribersLock)
        {
            subscribers.Add(channel);
            if (latest >= 0)
                channel.Writer.TryWrite(latest);
        }
        Changed(); // the last count may be old: count again for the newcomer (and everyone, if it moved)
        return new Subscription(this, channel);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await wake.WaitAsync(stoppingToken);
                bool anyone;
                lock (subscribersLock)
                    anyone = subscribers.Count > 0;
                if (!anyone)
                    continue;
                await CountAndPublishAsync(stoppingToken);
                // Real time, not the app's clock: this is a rate limit on work, not a figure.
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task CountAndPublishAsync(CancellationToken cancellationToken)
    {
        long count;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            count = await ActiveSessions.Of(db.Sessions.AsNoTracking(), time.GetUtcNow().UtcDateTime, options.Value.StaleAfterMinutes).LongCountAsync(cancellationToken);
            Interlocked.Increment(ref recounts);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The 30-second refresh shows the database problem; the stream just keeps the last count.
            logger.LogWarning(ex, "Counting active sessions for the live counter failed");
            return;
        }
        Offer(count, started);
    }

    /// <summary>A count of active sessions that began at <paramref name="startedTimestamp"/> (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public void Offer(long count, long startedTimestamp)
    {
        lock (subscribersLock)
        {
            if (subscribers.Count == 0 || startedTimestamp < latestStarted)
                return;
            latestStarted = startedTimestamp;
            if (count == latest)
                return;
            latest = count;
            foreach (var subscriber in subscribers)
                subscriber.Writer.TryWrite(count);
        }
    }

    public sealed class Subscription(LiveSessionCount owner, Channel<long> channel) : IDisposable
    {
        public ChannelReader<long> Counts => channel.Reader;

        public void Dispose()
        {
            lock (owner.subscribersLock)
            {
                owner.subscribers.Remove(channel);
                // Nobody counts while nobody watches, so the last count would soon be history: forget it.
                if (owner.subscribers.Count == 0)
                    (owner.latest, owner.latestStarted) = (-1, 0);
            }
        }
    }
}
