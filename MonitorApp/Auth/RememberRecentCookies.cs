using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>Wraps the sign-in cookie's ticket format once the framework has created it.</summary>
internal sealed class RememberRecentCookies(TimeProvider time) : IPostConfigureOptions<CookieAuthenticationOptions>
{
    public void PostConfigure(string? name, CookieAuthenticationOptions options)
    {
        if (name == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme && options.TicketDataFormat is not RecentlyReadCookies)
            options.TicketDataFormat = new RecentlyReadCookies(options.TicketDataFormat, time);
    }
}
