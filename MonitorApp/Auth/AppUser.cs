using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
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

    public override async Task<AppUser?> ValidateSecurityStampAsync(System.Security.Claims.ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { IsDisabled: false } ? user : null;
    }
}

/// <summary>
/// The per-request security-stamp check needs the database. While it is unreachable, an existing sign-in
/// keeps the roles its cookie already carries, so operators can still see that the database is down.
/// </summary>
public sealed class ResilientSecurityStampValidator(
    IOptions<SecurityStampValidatorOptions> options,
    SignInManager<AppUser> signInManager,
    ILoggerFactory logger)
    : SecurityStampValidator<AppUser>(options, signInManager, logger)
{
    public override async Task ValidateAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        try
        {
            await base.ValidateAsync(context);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            Logger.LogWarning(ex, "Database unreachable; keeping the signed-in principal until it can be re-validated");
        }
    }
}
