using Microsoft.AspNetCore.Identity;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>The roles exist before anyone signs in: created at start-up (and by the CLI) when missing.</summary>
public sealed class RoleSeeder : IStartupSeed
{
    public Task SeedAsync(IServiceProvider scoped, CancellationToken cancellationToken) => EnsureRolesAsync(scoped);

    public static async Task EnsureRolesAsync(IServiceProvider services)
    {
        var roles = services.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.UserRoles)
        {
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        }
    }
}
