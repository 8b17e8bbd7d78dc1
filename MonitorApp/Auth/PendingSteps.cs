using MonitorApp.Data;
using System.Security.Claims;
using Htmx;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// What a person must do right after signing in, before anything else: change a password someone else chose, then (a
/// SUPER_ADMIN, when <c>Auth:RequireMfaForSuperAdmin</c>) enrol an authenticator. Carried as a claim in the sign-in
/// cookie, made when the cookie is issued, and gone from the cookie issued once the step is done.
/// </summary>
public static class PendingSteps
{
    public const string Claim = "monitor:pending";
    public const string Password = "password";
    public const string Mfa = "mfa";

    public const string PasswordPage = "/account/password";
    public const string MfaPage = "/account/mfa";

    public static string? For(AppUser user, bool isSuperAdmin, bool mfaRequired) =>
        user.MustChangePassword ? Password
        : isSuperAdmin && mfaRequired && !user.TwoFactorEnabled ? Mfa
        : null;

    public static bool MfaRequired(AuthOptions options, IHostEnvironment environment) =>
        options.RequireMfaForSuperAdmin ?? !environment.IsDevelopment();

    /// <summary>
    /// A signed-in person with a step pending reaches only that step's page, signing out, and what needs no sign-in.
    /// Pages redirect there; htmx gets 401 with HX-Redirect; the JSON API a 403 that says what to do. The sign-in cookie is
    /// read whatever else the request carries: an <c>Authorization: Bearer</c> header beside it is judged alone on routes a
    /// token may use, and changes nothing on routes only a person may use (issue 28: a made-up token beside a pending
    /// cookie opened the administration pages).
    /// </summary>
    public static IApplicationBuilder UsePendingSteps(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                await next(context);
                return;
            }
            var bearer = ApiTokenAuthenticationHandler.ReadBearer(context.Request) is not null;
            if (bearer && !await PersonOnlyAsync(endpoint, context.RequestServices.GetRequiredService<IAuthorizationPolicyProvider>()))
            {
                await next(context); // judged by the token alone (a made-up one: 401)
                return;
            }
            var cookie = bearer ? (await context.AuthenticateAsync(IdentityConstants.ApplicationScheme)).Principal : context.User;
            var pending = cookie?.Identity?.AuthenticationType == IdentityConstants.ApplicationScheme ? cookie.FindFirstValue(Claim) : null;
            if (pending is null)
            {
                await next(context);
                return;
            }
            var page = pending == Password ? PasswordPage : MfaPage;
            if (context.Request.Path.StartsWithSegments(page, StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments("/logout", StringComparison.OrdinalIgnoreCase))
            {
                await next(context);
                return;
            }
            var what = pending == Password ? "change the password you were given" : "set up an authenticator app (required for SUPER_ADMIN)";
            if (MachineEndpoint.Is(context))
            {
                await ApiProblems.WriteAsync(context, StatusCodes.Status403Forbidden, "Finish signing in", $"Sign in with a browser and {what} at {page} first.");
                return;
            }
            if (context.Request.IsHtmx())
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Htmx(h => h.Redirect(page));
                return;
            }
            context.Response.Redirect(page);
        });

    /// <summary>
    /// Whether only a signed-in person may use the endpoint: one of its policies, as the policy provider builds it, authenticates
    /// the sign-in cookie alone (read from the policies themselves, so a policy added later cannot be missed).
    /// </summary>
    public static async Task<bool> PersonOnlyAsync(Endpoint? endpoint, IAuthorizationPolicyProvider policies)
    {
        foreach (var data in endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>() ?? [])
        {
            if (data.AuthenticationSchemes?.Split(',').Any(s => s.Trim() == IdentityConstants.ApplicationScheme) == true)
                return true;
            if (data.Policy is { } name && await policies.GetPolicyAsync(name) is { } policy && policy.AuthenticationSchemes.Contains(IdentityConstants.ApplicationScheme))
                return true;
        }
        return false;
    }
}
