using Microsoft.AspNetCore.DataProtection;

namespace MonitorApp.Auth;

/// <summary>
/// Device cookies (OWASP's answer to lockout by others): a browser that completed a sign-in for an account gets a cookie
/// naming that account (by its hash) and a random device id, protected with the Data Protection keys, for
/// <see cref="Lifetime"/>. While guesses from elsewhere have the account refused everywhere
/// (<c>RateLimits:SignInsPerAccount</c>), a sign-in from a browser holding one is counted against its device instead
/// (<see cref="SignInLimits"/>): the administrator keeps a way in, and a copied cookie buys no more guesses than one address
/// has. The per-address limits, the password and the second factor still apply.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = Web.HostPrefixedCookies.NamePrefix + "device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("MonitorApp.Auth.KnownDevice.v1").ToTimeLimitedDataProtector();

    /// <summary>After a completed sign-in: this browser is known for the account (one account per browser: the last one).</summary>
    public void Remember(HttpContext context, string account) =>
        context.Response.Cookies.Append(CookieName, protector.Protect(SignInLimits.AccountKey(account) + "|" + (DeviceOf(context, account) ?? NewId()),
            time.GetUtcNow() + Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = Lifetime,
            IsEssential = true,
        });

    /// <summary>This browser's device id when it completed a sign-in for <paramref name="account"/> within <see cref="Lifetime"/>, else null.</summary>
    public string? DeviceOf(HttpContext context, string account)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and < 1024 } cookie)
            return null;
        try
        {
            var parts = protector.Unprotect(cookie, out var expires).Split('|');
            return parts.Length == 2 && parts[0] == SignInLimits.AccountKey(account) && expires > time.GetUtcNow() ? parts[1] : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // altered, expired, or made with other keys
        }
    }

    private static string NewId() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}
