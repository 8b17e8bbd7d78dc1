using Microsoft.Extensions.Primitives;

namespace MonitorApp.Web;

/// <summary>
/// Over HTTPS (directly, or through a known proxy) every cookie of this app is named <c>__Host-monitor.…</c>: a browser then
/// accepts it only with <c>Secure</c>, <c>Path=/</c> and no <c>Domain</c>, so a sibling subdomain or a plain-HTTP page cannot
/// plant one. Over plain HTTP (a laptop) the names stay as configured (<c>monitor.…</c>), which browsers would refuse prefixed.
/// The app itself only ever sees the plain names: requests are renamed on the way in, <c>Set-Cookie</c> on the way out.
/// </summary>
public static class HostPrefixedCookies
{
    /// <summary>Every cookie this app sets starts with this (sign-in, antiforgery, the second sign-in step).</summary>
    public const string NamePrefix = "monitor.";
    public const string HostPrefix = "__Host-";

    public const string SignIn = NamePrefix + "auth";
    public const string Antiforgery = NamePrefix + "af";
    public const string TwoFactor = NamePrefix + "2fa";

    public static IApplicationBuilder UseHostPrefixedCookies(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.IsHttps)
            {
                await next(context);
                return;
            }
            var request = context.Request.Headers;
            if (!StringValues.IsNullOrEmpty(request.Cookie))
                request.Cookie = Incoming(request.Cookie.ToString());
            context.Response.OnStarting(() =>
            {
                var setCookies = context.Response.Headers.SetCookie;
                if (setCookies.Count > 0)
                    context.Response.Headers.SetCookie = new StringValues([.. setCookies.Select(c => Outgoing(c!))]);
                return Task.CompletedTask;
            });
            await next(context);
        });

    /// <summary>Keeps only the prefixed copies of this app's cookies (a planted unprefixed one is dropped) and gives them back their plain names.</summary>
    private static string Incoming(string header)
    {
        var kept = new List<string>();
        foreach (var part in header.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith(HostPrefix + NamePrefix, StringComparison.Ordinal))
                kept.Add(part[HostPrefix.Length..]);
            else if (!part.StartsWith(NamePrefix, StringComparison.Ordinal))
                kept.Add(part);
        }
        return string.Join("; ", kept);
    }

    private static string Outgoing(string setCookie) =>
        setCookie.StartsWith(NamePrefix, StringComparison.Ordinal) ? HostPrefix + setCookie : setCookie;
}
