using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MonitorApp.Web;

namespace MonitorApp.Auth;

/// <summary>
/// Unknown, revoked and expired API tokens per client address (<see cref="RateLimitOptions.FailedTokensPerAddressPerMinute"/>):
/// each costs a database lookup, so past the limit an address's tokens are refused with 429 without one.
/// </summary>
public sealed class FailedTokenLimit(IOptions<RateLimitOptions> options) : IDisposable
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address =>
        RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedTokensPerAddressPerMinute,
            Window = Window,
            QueueLimit = 0,
        }));

    public bool IsOverLimit(IPAddress address) => failures.GetStatistics(address) is { CurrentAvailablePermits: <= 0 };

    public void Failed(IPAddress address)
    {
        using var _ = failures.AttemptAcquire(address);
    }

    public void Dispose() => failures.Dispose();
}
