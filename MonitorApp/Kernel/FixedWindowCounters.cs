namespace MonitorApp.Kernel;

/// <summary>
/// Fixed-window counters per key with a bound on how many keys are held (<c>RateLimits:MaxTrackedKeys</c>). When the bound
/// is reached, keys whose window has passed are dropped, and if that frees less than a tenth of the table, the oldest
/// windows are too until a tenth is free (so a flood of new keys costs one pass per tenth of the table, not one per
/// request). Nobody shares a count with strangers: a flood of new names or addresses can neither grow memory nor lock out
/// those it does not hold.
/// </summary>
public sealed class FixedWindowCounters(int permits, TimeSpan window, int maxKeys, TimeProvider time)
{
    private sealed class Window
    {
        public long Start;
        public int Count;
    }

    private readonly Dictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>How many keys are held now.</summary>
    public int Count
    {
        get
        {
            lock (windows)
                return windows.Count;
        }
    }

    /// <summary>Counts one attempt for the key; null when allowed, else how long until its window ends.</summary>
    public TimeSpan? TryTake(string key) => Take(key, count: true, force: false);

    /// <summary>Whether the key is over its limit now, without counting an attempt; null when it is not.</summary>
    public TimeSpan? Peek(string key) => Take(key, count: false, force: false);

    /// <summary>Counts one attempt for the key without asking whether it was allowed (a failure observed after the fact).</summary>
    public void Add(string key) => Take(key, count: true, force: true);

    private TimeSpan? Take(string key, bool count, bool force)
    {
        var now = time.GetTimestamp();
        var length = (long)(window.TotalSeconds * time.TimestampFrequency);
        lock (windows)
        {
            if (!windows.TryGetValue(key, out var current))
            {
                if (!count)
                    return null; // never seen, or forgotten: nothing against it
                if (windows.Count >= maxKeys)
                    MakeRoom(now, length);
                windows[key] = current = new Window { Start = now };
            }
            if (now - current.Start >= length)
                (current.Start, current.Count) = (now, 0);
            if (current.Count >= permits && !force)
                return TimeSpan.FromSeconds((double)(current.Start + length - now) / time.TimestampFrequency);
            if (count)
                current.Count++;
            return null;
        }
    }

    private void MakeRoom(long now, long length)
    {
        foreach (var key in windows.Where(w => now - w.Value.Start >= length).Select(w => w.Key).ToList())
            windows.Remove(key);
        var free = Math.Max(1, maxKeys / 10);
        if (windows.Count <= maxKeys - free)
            return;
        // REVIEW: dropping live windows lets an attacker who can fill the whole table (MaxTrackedKeys callers within one
        // window) reset a count by flooding; sharing one count among newcomers instead let the same flood lock out every
        // account and address not yet held. A bounded reset was judged the lesser harm; the table's size sets its price.
        foreach (var key in windows.OrderBy(w => w.Value.Start).Take(windows.Count - (maxKeys - free)).Select(w => w.Key).ToList())
            windows.Remove(key);
    }
}
