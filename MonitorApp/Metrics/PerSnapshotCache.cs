using System.Collections.Concurrent;
using MonitorApp.Data;

namespace MonitorApp.Metrics;

/// <summary>
/// Figures read outside the snapshot (per service, per provider) once per snapshot and shared by every viewer until the
/// next: their cost depends on neither the number of viewers nor, as each read is over pre-aggregated rows, the data stored.
/// While the database is unreachable (a stale snapshot), nothing is read: the last figures stand, as the snapshot's own do.
/// </summary>
public sealed class PerSnapshotCache(IServiceScopeFactory scopes)
{
    private const int MaxCached = 200;

    private readonly ConcurrentDictionary<string, (MetricsSnapshot Snapshot, object Value)> cache = new(StringComparer.Ordinal);

    /// <summary>
    /// The value of <paramref name="key"/> (a family and a name: <c>hourly:checkout</c>) as of <paramref name="snapshot"/>.
    /// Throws an exception <see cref="DatabaseUnreachableHandler.IsUnreachable"/> recognises when the database is down and
    /// the figure was never read.
    /// </summary>
    public async Task<T> GetAsync<T>(string key, MetricsSnapshot snapshot, Func<MonitorDbContext, Task<T>> read) where T : class
    {
        var known = cache.TryGetValue(key, out var entry);
        if (known && (ReferenceEquals(entry.Snapshot, snapshot) || snapshot.Stale)) // the very snapshot: two can share a time
            return (T)entry.Value;
        if (snapshot.Stale)
            throw new DatabaseUnreachableException(); // the snapshot round just failed to reach it: no request waits on it again
        T value;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            value = await read(scope.ServiceProvider.GetRequiredService<MonitorDbContext>());
        }
        catch (Exception ex) when (known && DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            return (T)entry.Value; // down since the snapshot: the last figures stand
        }
        if (!known && cache.Count >= MaxCached)
        {
            // Only a family whose keys come from the asker (one service's chart each) can fill it: that family makes room,
            // and the fixed figures (kept to stand in while the database is down) stay.
            var family = key[..(key.IndexOf(':') + 1)];
            foreach (var old in cache.Keys.Where(k => k.StartsWith(family, StringComparison.Ordinal)))
                cache.TryRemove(old, out _);
        }
        cache[key] = (snapshot, value);
        return value;
    }
}
