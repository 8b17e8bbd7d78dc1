using MonitorApp.Data;
using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>Identity's claims, plus the sign-in's <see cref="PendingSteps"/>.</summary>
public sealed class MonitorClaimsFactory(
    UserManager<AppUser> users,
    RoleManager<IdentityRole> roles,
    IOptions<IdentityOptions> identity,
    IOptions<AuthOptions> auth,
    IHostEnvironment environment)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, identity)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var claims = await base.GenerateClaimsAsync(user);
        var isSuperAdmin = claims.HasClaim(claims.RoleClaimType, Roles.SuperAdmin);
        if (PendingSteps.For(user, isSuperAdmin, PendingSteps.MfaRequired(auth.Value, environment)) is { } step)
            claims.AddClaim(new Claim(PendingSteps.Claim, step));
        return claims;
    }
}
