namespace MonitorApp.Auth;

/// <summary>
/// Fixed-window counters per key with a bound on how many keys are held (<c>RateLimits:MaxTrackedKeys</c>). Keys whose
/// window has passed are dropped when the bound is reached (at most one sweep a second, so a flood of new keys costs a
/// sweep per second, not per request); when every held key is still live, new keys share one overflow counter with the
/// same limit, so a flood from many addresses is throttled together and holds no more memory, while the keys already
/// held keep their own allowance.
/// </summary>
public sealed class FixedWindowCounters(int permits, TimeSpan window, int maxKeys, TimeProvider time)
{
    /// <summary>The key every key beyond <c>maxKeys</c> shares while the table is full.</summary>
    public const string OverflowKey = "\0overflow";

    private sealed class Window
    {
        public long Start;
        public int Count;
    }

    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);
    private long lastSweep = long.MinValue;

    /// <summary>How many keys are held now (the overflow counter included).</summary>
    public int Count
    {
        get
        {
            lock (windows)
                return windows.Count;
        }
    }

    /// <summary>Counts one attempt for the key; null when allowed, else how long until its window ends.</summary>
    public TimeSpan? TryTake(string key) => Take(key, count: true);

    /// <summary>Whether the key is over its limit now, without counting an attempt; null when it is not.</summary>
    public TimeSpan? Peek(string key) => Take(key, count: false);

    /// <summary>Counts one attempt for the key without asking whether it was allowed (a failure observed after the fact).</summary>
    public void Add(string key) => Take(key, count: true, force: true);

    private TimeSpan? Take(string key, bool count, bool force = false)
    {
        var now = time.GetTimestamp();
        var length = (long)(window.TotalSeconds * time.TimestampFrequency);
        lock (windows)
        {
            if (!windows.TryGetValue(key, out var current))
            {
                if (!count)
                    return windows.Count >= maxKeys - 1 && windows.TryGetValue(OverflowKey, out var shared) ? Judge(shared, now, length, count, force) : null;
                // One place is kept for the overflow count, so the table never holds more than maxKeys.
                if (windows.Count >= maxKeys - 1)
                    Sweep(now, length);
                if (windows.Count >= maxKeys - 1)
                    key = OverflowKey;
                if (!windows.TryGetValue(key, out current))
                    windows[key] = current = new Window { Start = now };
            }
            return Judge(current, now, length, count, force);
        }
    }

    private TimeSpan? Judge(Window current, long now, long length, bool count, bool force)
    {
        if (now - current.Start >= length)
            (current.Start, current.Count) = (now, 0);
        if (current.Count >= permits && !force)
            return TimeSpan.FromSeconds((double)(current.Start + length - now) / time.TimestampFrequency);
        if (count)
            current.Count++;
        return null;
    }

    private void Sweep(long now, long length)
    {
        if (now - lastSweep < time.TimestampFrequency)
            return;
        lastSweep = now;
        var expired = windows.Where(w => now - w.Value.Start >= length).Select(w => w.Key).ToList();
        foreach (var key in expired)
            windows.Remove(key);
    }
}
