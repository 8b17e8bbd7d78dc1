using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MonitorApp.Web;

namespace MonitorApp.Auth;

/// <summary>Which sign-in limit refused an attempt, and for how long.</summary>
public sealed record SignInRefusal(string Limit, TimeSpan RetryAfter, bool AccountWide);

/// <summary>
/// Sign-in attempts limited with ASP.NET Core's rate limiters (fixed windows, in memory): per client address
/// (<c>RateLimits:SignInsPerAddressPerMinute</c>), per account from one address (<c>RateLimits:SignInsPerAccountAndAddress</c>),
/// and per account from everywhere (<c>RateLimits:SignInsPerAccount</c>). Checked before any password is: a refused attempt
/// learns nothing. One address cannot keep an administrator out: it exhausts its own allowance for the account, never the
/// account's. (Per instance: behind a load balancer each instance allows as much.)
/// </summary>
public sealed class SignInLimits : IDisposable
{
    private readonly PartitionedRateLimiter<string> perAddress;
    private readonly PartitionedRateLimiter<string> perAccountAndAddress;
    private readonly PartitionedRateLimiter<string> perAccount;

    public SignInLimits(IOptions<RateLimitOptions> options)
    {
        var limits = options.Value;
        var window = TimeSpan.FromMinutes(limits.SignInWindowMinutes);
        perAddress = Create(limits.SignInsPerAddressPerMinute, TimeSpan.FromMinutes(1));
        perAccountAndAddress = Create(limits.SignInsPerAccountAndAddress, window);
        perAccount = Create(limits.SignInsPerAccount, window);
    }

    /// <summary>Takes one attempt from each limit that applies (the address's; with an account, the account's too); null when allowed.</summary>
    public SignInRefusal? TryAttempt(IPAddress address, string? account)
    {
        var from = address.ToString();
        if (Refused(perAddress, from) is { } a)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAddressPerMinute)), a, AccountWide: false);
        if (account is null)
            return null;
        var key = account.Trim().ToUpperInvariant();
        if (Refused(perAccountAndAddress, key + "|" + from) is { } pair)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAccountAndAddress)), pair, AccountWide: false);
        if (Refused(perAccount, key) is { } all)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAccount)), all, AccountWide: true);
        return null;
    }

    private static TimeSpan? Refused(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
            return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
    }

    private static PartitionedRateLimiter<string> Create(int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = window,
            QueueLimit = 0,
        }));

    public void Dispose()
    {
        perAddress.Dispose();
        perAccountAndAddress.Dispose();
        perAccount.Dispose();
    }
}
