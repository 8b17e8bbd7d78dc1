using System.Collections.Concurrent;

namespace MonitorApp.Telemetry;

/// <summary>Counts to add to one (service, minute) rollup row.</summary>
public sealed record RollupDelta(string Service, long Minute, long Requests, long Errors5xx, long Errors4xx, long[] Buckets);

/// <summary>
/// In-memory per-minute counts of this app's own requests. The request path does no I/O and takes no
/// lock: a concurrent dictionary lookup and a few interlocked increments. The flusher drains it.
/// </summary>
public sealed class RequestRecorder
{
    private sealed class Cell
    {
        public long Requests;
        public long Errors5xx;
        public long Errors4xx;
        public readonly long[] Buckets = new long[LatencyHistogram.BucketCount];
    }

    private readonly ConcurrentDictionary<(string Service, long Minute), Cell> cells = new();

    public void Record(string service, DateTime atUtc, int status, double durationMs)
    {
        var cell = cells.GetOrAdd((service, RequestRollup.ToMinute(atUtc)), static _ => new Cell());
        Interlocked.Increment(ref cell.Requests);
        if (status >= 500)
            Interlocked.Increment(ref cell.Errors5xx);
        else if (status >= 400)
            Interlocked.Increment(ref cell.Errors4xx);
        Interlocked.Increment(ref cell.Buckets[LatencyHistogram.BucketOf(durationMs)]);
    }

    /// <summary>Takes every count recorded so far (each counter is read and zeroed atomically).</summary>
    public List<RollupDelta> Drain(long currentMinute)
    {
        var deltas = new List<RollupDelta>();
        foreach (var (key, cell) in cells)
        {
            var buckets = new long[LatencyHistogram.BucketCount];
            for (var i = 0; i < buckets.Length; i++)
                buckets[i] = Interlocked.Exchange(ref cell.Buckets[i], 0);
            var delta = new RollupDelta(key.Service, key.Minute,
                Interlocked.Exchange(ref cell.Requests, 0),
                Interlocked.Exchange(ref cell.Errors5xx, 0),
                Interlocked.Exchange(ref cell.Errors4xx, 0),
                buckets);
            if (delta.Requests > 0 || buckets.Any(b => b > 0))
                deltas.Add(delta);
            // REVIEW: a request finishing in a minute that is already two minutes old could race this
            // removal and lose one count; requests are stamped when they finish, so that minute is current.
            if (key.Minute < currentMinute - 1)
                cells.TryRemove(key, out _);
        }
        return deltas;
    }

    /// <summary>Puts counts back after a failed write, so a database outage loses nothing.</summary>
    public void Restore(IEnumerable<RollupDelta> deltas)
    {
        foreach (var d in deltas)
        {
            var cell = cells.GetOrAdd((d.Service, d.Minute), static _ => new Cell());
            Interlocked.Add(ref cell.Requests, d.Requests);
            Interlocked.Add(ref cell.Errors5xx, d.Errors5xx);
            Interlocked.Add(ref cell.Errors4xx, d.Errors4xx);
            for (var i = 0; i < d.Buckets.Length; i++)
                Interlocked.Add(ref cell.Buckets[i], d.Buckets[i]);
        }
    }
}
