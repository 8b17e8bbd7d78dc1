using System.Net;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>Which sign-in limit refused an attempt, and for how long.</summary>
public sealed record SignInRefusal(string Limit, TimeSpan RetryAfter, bool AccountWide);

/// <summary>
/// Sign-in attempts limited with ASP.NET Core's rate limiters (fixed windows, in memory): per client address
/// (<c>RateLimits:SignInsPerAddressPerMinute</c>), per account from one address (<c>RateLimits:SignInsPerAccountAndAddress</c>),
/// and per account from everywhere (<c>RateLimits:SignInsPerAccount</c>). Checked before any password is: a refused attempt
/// learns nothing. One address cannot keep an administrator out: it exhausts its own allowance for the account, never the
/// account's. (Per instance: behind a load balancer each instance allows as much.) Each limit holds at most
/// <c>RateLimits:MaxTrackedKeys</c> partitions, keyed by a hash of the account and an IPv6 client's /64, so no input
/// grows them: typed text never becomes a key.
/// </summary>
public sealed class SignInLimits
{
    private readonly FixedWindowCounters perAddress;
    private readonly FixedWindowCounters perAccountAndAddress;
    private readonly FixedWindowCounters perAccount;
    private readonly FixedWindowCounters perDevice;

    public SignInLimits(IOptions<RateLimitOptions> options, TimeProvider time)
    {
        var limits = options.Value;
        var window = TimeSpan.FromMinutes(limits.SignInWindowMinutes);
        perAddress = new FixedWindowCounters(limits.SignInsPerAddressPerMinute, TimeSpan.FromMinutes(1), limits.MaxTrackedKeys, time);
        perAccountAndAddress = new FixedWindowCounters(limits.SignInsPerAccountAndAddress, window, limits.MaxTrackedKeys, time);
        perAccount = new FixedWindowCounters(limits.SignInsPerAccount, window, limits.MaxTrackedKeys, time);
        perDevice = new FixedWindowCounters(limits.SignInsPerAccountAndAddress, window, limits.MaxTrackedKeys, time);
    }

    /// <summary>The most partitions any one of the three limits holds now (the benchmark and tests watch it stay bounded).</summary>
    public int TrackedKeys => Math.Max(perAddress.Count, Math.Max(perAccountAndAddress.Count, perAccount.Count));

    /// <summary>
    /// Takes one attempt from each limit that applies (the address's; with an account, the account's too); null when allowed.
    /// From a known <paramref name="device"/> (a browser that signed in to the account before, <see cref="KnownDevices"/>) the
    /// account-wide limit is replaced by the device's own (<c>SignInsPerAccountAndAddress</c> per window): others' guesses
    /// cannot lock the owner out of their own browser, and a copied device cookie buys no more guesses than one address has.
    /// </summary>
    public SignInRefusal? TryAttempt(IPAddress address, string? account, string? device = null)
    {
        var from = ClientAddress.Key(address);
        if (perAddress.TryTake(from) is { } a)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAddressPerMinute)), a, AccountWide: false);
        if (account is null)
            return null;
        var key = AccountKey(account);
        if (perAccountAndAddress.TryTake(key + "|" + from) is { } pair)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAccountAndAddress)), pair, AccountWide: false);
        if (device is not null && perDevice.TryTake(device) is null)
            return null;
        if (perAccount.TryTake(key) is { } all)
            return new SignInRefusal(RateLimitOptions.Key(nameof(RateLimitOptions.SignInsPerAccount)), all, AccountWide: true);
        return null;
    }

    /// <summary>
    /// An account's partition key: a hash of its normalized name, so a partition costs the same whatever was typed (an
    /// anonymous client posting megabyte e-mails grew these limiters without bound).
    /// </summary>
    public static string AccountKey(string account) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(account.Trim().ToUpperInvariant())), 0, 16);
}
