using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MonitorApp.Web;

namespace MonitorApp.Auth;

/// <summary>
/// Database lookups of API tokens per client address (<see cref="RateLimitOptions.FailedTokensPerAddressPerMinute"/>): a
/// lookup takes a turn before it asks the database and counts against the address only if the token turned out unknown,
/// revoked or expired. Past the limit an address's tokens are refused with 429 without a lookup, however many arrive at
/// once. (Behind a proxy, the address is the client's only when the proxy is in Proxy:KnownProxies.)
/// </summary>
public sealed class FailedTokenLimit(IOptions<RateLimitOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private const int SweepAbove = 10_000;

    private sealed class Counter
    {
        public DateTime WindowStart;
        public int Failures;
        public int InFlight;
    }

    private readonly ConcurrentDictionary<IPAddress, Counter> counters = new();

    /// <summary>Whether this address may have a token looked up now; if so, <see cref="End"/> must follow.</summary>
    public bool TryBegin(IPAddress address)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (counters.Count > SweepAbove)
            Sweep(now);
        var counter = counters.GetOrAdd(address, _ => new Counter { WindowStart = now });
        lock (counter)
        {
            if (now - counter.WindowStart >= Window)
                (counter.WindowStart, counter.Failures) = (now, 0);
            if (counter.Failures + counter.InFlight >= options.Value.FailedTokensPerAddressPerMinute)
                return false;
            counter.InFlight++;
            return true;
        }
    }

    public void End(IPAddress address, bool failed)
    {
        if (!counters.TryGetValue(address, out var counter))
            return;
        lock (counter)
        {
            counter.InFlight = Math.Max(0, counter.InFlight - 1);
            if (failed)
                counter.Failures++;
        }
    }

    private void Sweep(DateTime now)
    {
        foreach (var (address, counter) in counters)
        {
            lock (counter)
            {
                if (counter.InFlight == 0 && now - counter.WindowStart >= Window)
                    counters.TryRemove(address, out _);
            }
        }
    }
}
