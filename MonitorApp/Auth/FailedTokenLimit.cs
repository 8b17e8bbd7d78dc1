using System.Net;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// Unknown, revoked or expired API tokens per client address (<see cref="RateLimitOptions.FailedTokensPerAddressPerMinute"/>):
/// past the limit an address's tokens are refused with 429 without a database lookup. An IPv6 client is counted by its /64.
/// (Behind a proxy, the address is the client's only when the proxy is in Proxy:KnownProxies.) At most
/// <see cref="RateLimitOptions.MaxTrackedKeys"/> addresses are held; expired ones are dropped at most once a second when the
/// table is full, never swept per request.
/// </summary>
public sealed class FailedTokenLimit(IOptions<RateLimitOptions> options, TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly FixedWindowCounters failures =
        new(options.Value.FailedTokensPerAddressPerMinute, Window, options.Value.MaxTrackedKeys, time);

    /// <summary>How many addresses are held now.</summary>
    public int TrackedAddresses => failures.Count;

    /// <summary>
    /// Whether this address may have a token looked up now; if so, <see cref="End"/> follows. Failures only are counted:
    /// counting lookups in flight too refused a valid token that 200 clients behind one address sent at once.
    /// </summary>
    // REVIEW: a burst of unknown tokens that all arrive before the first failure is counted can pass the limit once;
    // coalescing lookups of one token would allow both.
    public bool TryBegin(IPAddress address) => failures.Peek(ClientAddress.Key(address)) is null;

    public void End(IPAddress address, bool failed)
    {
        if (failed)
            failures.Add(ClientAddress.Key(address));
    }
}
