using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

public sealed class AppUser : IdentityUser
{
    /// <summary>A disabled user cannot sign in, and an existing sign-in stops working at its next request.</summary>
    public bool IsDisabled { get; set; }
}

/// <summary>Refuses sign-in to disabled users (Identity's PasswordSignIn then reports NotAllowed).</summary>
public sealed class MonitorSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}

/// <summary>
/// Checks a sign-in cookie on every request with one primary-key lookup: a user who was disabled, or
/// whose role or password changed (each renews the security stamp), is signed out at once. Unlike
/// Identity's SecurityStampValidator with a zero interval, it neither rebuilds the principal nor
/// re-issues the cookie on every dashboard poll. While the database is unreachable the cookie is kept,
/// so operators can still see that the database is down.
/// </summary>
public static class SignInRevalidation
{
    public static async Task ValidatePrincipalAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var userId = context.Principal?.FindFirst(claims.UserIdClaimType)?.Value;
        var stamp = context.Principal?.FindFirst(claims.SecurityStampClaimType)?.Value;
        try
        {
            var current = await services.GetRequiredService<Data.MonitorDbContext>().Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => new { u.SecurityStamp, u.IsDisabled })
                .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
            if (current is null || current.IsDisabled || current.SecurityStamp != stamp)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRevalidation))
                .LogWarning(ex, "Database unreachable; keeping the sign-in of {User} until it can be checked", userId);
        }
    }
}
