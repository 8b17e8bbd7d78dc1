using Microsoft.AspNetCore.DataProtection;

namespace MonitorApp.Auth;

/// <summary>
/// Device cookies (OWASP's answer to lockout by others): a browser that completed a sign-in for an account gets a cookie
/// naming that account (by its hash, protected with the Data Protection keys) for <see cref="Lifetime"/>. While guesses from
/// elsewhere have the account refused everywhere (<c>RateLimits:SignInsPerAccount</c>), a sign-in from a browser holding one
/// is not refused for it: the administrator keeps a way in. The per-address limits still apply to it, and a cookie copied
/// elsewhere only ever skips the account-wide count, never the password or the second factor.
/// </summary>
public sealed class KnownDevices(IDataProtectionProvider protection, TimeProvider time)
{
    public const string CookieName = Web.HostPrefixedCookies.NamePrefix + "device";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(90);

    private readonly ITimeLimitedDataProtector protector = protection.CreateProtector("MonitorApp.Auth.KnownDevice.v1").ToTimeLimitedDataProtector();

    /// <summary>After a completed sign-in: this browser is known for the account (one account per browser: the last one).</summary>
    public void Remember(HttpContext context, string account) =>
        context.Response.Cookies.Append(CookieName, protector.Protect(SignInLimits.AccountKey(account), time.GetUtcNow() + Lifetime), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = Lifetime,
            IsEssential = true,
        });

    /// <summary>Whether this browser completed a sign-in for <paramref name="account"/> within <see cref="Lifetime"/>.</summary>
    public bool IsKnown(HttpContext context, string account)
    {
        if (context.Request.Cookies[CookieName] is not { Length: > 0 and < 1024 } cookie)
            return false;
        try
        {
            return protector.Unprotect(cookie, out var expires) == SignInLimits.AccountKey(account) && expires > time.GetUtcNow();
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false; // altered, expired, or made with other keys
        }
    }
}
