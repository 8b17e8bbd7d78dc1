using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using MonitorApp.Web;

namespace MonitorApp.Auth;

/// <summary>
/// Unknown, revoked or expired API tokens per client address (<see cref="RateLimitOptions.FailedTokensPerAddressPerMinute"/>):
/// past the limit an address's tokens are refused with 429 without a database lookup. (Behind a proxy, the address is the client's only when the proxy is in Proxy:KnownProxies.)
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
            // Failures only: counting lookups in flight too refused a valid token that 200 clients behind one address
            // sent at once (every 10 s, when its check is due again). REVIEW: a burst of unknown tokens that all arrive
            // before the first failure is counted can pass the limit once; coalescing lookups of one token would allow both.
            if (counter.Failures >= options.Value.FailedTokensPerAddressPerMinute)
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
