using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// Asks again, in the middle of a long-lived request (the dashboard's live stream), whether its caller may still have it:
/// the sign-in cookie is read and checked afresh by <see cref="SignInRevalidation"/> (or the token by its handler), so what
/// this instance knows counts — revocations arrive over LISTEN/NOTIFY — and the database is read at most once per sign-in or
/// token every few seconds, not per viewer per event; then the policy is evaluated again.
/// </summary>
public static class ViewerCheck
{
    /// <summary>How often a live stream re-checks its viewer: a disabled or signed-out user stops receiving data within this.</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(30);

    public static async Task<bool> StillAllowedAsync(HttpContext context, string policy)
    {
        // A scope of its own: the request's authentication handlers remember their first answer.
        await using var scope = context.RequestServices.CreateAsyncScope();
        ClaimsPrincipalResult result;
        try
        {
            result = ApiTokenAuthenticationHandler.ReadBearer(context.Request) is not null
                ? await TokenAsync(context, scope.ServiceProvider)
                : await CookieAsync(context, scope.ServiceProvider);
        }
        catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            return false; // cannot tell: the stream ends, and the browser's reconnect is answered 503 until it can
        }
        return result.Principal is { } principal
            && (await scope.ServiceProvider.GetRequiredService<IAuthorizationService>().AuthorizeAsync(principal, policy)).Succeeded;
    }

    private readonly record struct ClaimsPrincipalResult(System.Security.Claims.ClaimsPrincipal? Principal);

    private static async Task<ClaimsPrincipalResult> TokenAsync(HttpContext context, IServiceProvider services)
    {
        var handler = await services.GetRequiredService<IAuthenticationHandlerProvider>().GetHandlerAsync(context, ApiTokenAuthenticationHandler.SchemeName);
        var result = handler is null ? AuthenticateResult.NoResult() : await handler.AuthenticateAsync();
        return new(result.Succeeded ? result.Principal : null);
    }

    /// <summary>
    /// The sign-in cookie as the cookie handler reads it, without the handler (which registers for the response's start,
    /// long past for a stream): the ticket unprotected, its expiry, then the same revalidation every request gets.
    /// </summary>
    // REVIEW: this repeats what the cookie handler does before revalidation (read, unprotect, expiry); the handler itself
    // cannot run once the response has started. A session store or a sliding expiration would have to be added here too.
    private static async Task<ClaimsPrincipalResult> CookieAsync(HttpContext context, IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(IdentityConstants.ApplicationScheme);
        var scheme = await services.GetRequiredService<IAuthenticationSchemeProvider>().GetSchemeAsync(IdentityConstants.ApplicationScheme);
        if (scheme is null || options.CookieManager.GetRequestCookie(context, options.Cookie.Name!) is not { Length: > 0 } cookie
            || options.TicketDataFormat.Unprotect(cookie, null) is not { } ticket)
            return new(null);
        if (ticket.Properties.ExpiresUtc is { } expires && expires < options.TimeProvider!.GetUtcNow())
            return new(null);
        var validation = new CookieValidatePrincipalContext(context, scheme, options, ticket);
        await SignInRevalidation.ValidatePrincipalAsync(validation);
        return new(validation.Principal);
    }
}
