using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public sealed record UserRow(string Email, string? Role, bool IsDisabled, bool IsLockedOut);

/// <summary>Adds users, changes their role or password, disables them; used by the CLI and the admin pages alike.</summary>
public sealed class UserAdminService(UserManager<AppUser> users, MonitorDbContext db, TimeProvider time, RecentSignInChecks recentSignIns, ClusterNotifications cluster)
{
    /// <summary>Adds a user; returns the generated password (to be shown once) when none was given.</summary>
    public async Task<string?> AddAsync(string email, string role, string? password)
    {
        RequireRole(role);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
            throw new AdminRefusal($"'{email}' is not an e-mail address");
        if (await users.FindByEmailAsync(email) is not null)
            throw new AdminRefusal($"a user with e-mail '{email}' already exists");
        var generated = string.IsNullOrEmpty(password) ? PasswordGenerator.New() : null;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, password is { Length: > 0 } ? password : generated!), $"cannot add '{email}'");
        Check(await users.AddToRoleAsync(user, role), $"cannot give '{email}' the role {role}");
        return generated;
    }

    public async Task SetRoleAsync(string email, string role)
    {
        RequireRole(role);
        using var turn = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await FindAsync(email);
        if (role != Roles.SuperAdmin)
            await RefuseToLeaveNoSuperAdminAsync(user, $"cannot make '{email}' {role}");
        var current = await users.GetRolesAsync(user);
        if (current.Count > 0)
            Check(await users.RemoveFromRolesAsync(user, current), $"cannot change the role of '{email}'");
        Check(await users.AddToRoleAsync(user, role), $"cannot give '{email}' the role {role}");
        // A new stamp ends existing sign-ins at their next request; the next sign-in carries the new role.
        await users.UpdateSecurityStampAsync(user);
        await transaction.CommitAsync();
        await ForgetSignInsAsync(user);
    }

    /// <summary>Sets a password (and lifts a lockout); returns the generated one when none was given.</summary>
    public async Task<string?> SetPasswordAsync(string email, string? password)
    {
        var user = await FindAsync(email);
        var generated = string.IsNullOrEmpty(password) ? PasswordGenerator.New() : null;
        var chosen = generated ?? password!;
        foreach (var validator in users.PasswordValidators)
            Check(await validator.ValidateAsync(users, user, chosen), "password rejected");
        Check(await users.RemovePasswordAsync(user), $"cannot reset the password of '{email}'");
        Check(await users.AddPasswordAsync(user, chosen), $"cannot set the password of '{email}'");
        await ForgetSignInsAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        return generated;
    }

    /// <summary>No sign-in any more, and current sign-ins end at their next request.</summary>
    public async Task DisableAsync(string email)
    {
        using var turn = await SqliteWriteGate.EnterAsync(db, CancellationToken.None);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var user = await FindAsync(email);
        await RefuseToLeaveNoSuperAdminAsync(user, $"cannot disable '{email}'");
        user.IsDisabled = true;
        Check(await users.UpdateAsync(user), $"cannot disable '{email}'");
        await users.UpdateSecurityStampAsync(user);
        await transaction.CommitAsync();
        await ForgetSignInsAsync(user);
    }

    /// <summary>Whether <paramref name="principal"/> is the user with this e-mail, by account id (not by comparing e-mail text).</summary>
    public async Task<bool> IsSameUserAsync(System.Security.Claims.ClaimsPrincipal principal, string email) =>
        users.GetUserId(principal) is { } id && (await users.FindByEmailAsync(email))?.Id == id;

    /// <summary>
    /// There is always at least one enabled SUPER_ADMIN, or nobody could administer the app: taking the role or the
    /// account away from the last one is refused. Counted by account id inside the caller's transaction; on PostgreSQL
    /// a transaction lock makes two such changes take turns, so two admins cannot demote each other at once.
    /// </summary>
    private async Task RefuseToLeaveNoSuperAdminAsync(AppUser user, string what)
    {
        if (user.IsDisabled || !await users.IsInRoleAsync(user, Roles.SuperAdmin))
            return;
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('monitorapp-super-admins'))");
        var others = await (
            from ur in db.UserRoles
            join r in db.Roles on ur.RoleId equals r.Id
            join u in db.Users on ur.UserId equals u.Id
            where r.Name == Roles.SuperAdmin && !u.IsDisabled && u.Id != user.Id
            select u.Id).AnyAsync();
        if (!others)
            throw new AdminRefusal($"{what}: they are the last enabled SUPER_ADMIN; make another user SUPER_ADMIN first");
    }

    public async Task<List<UserRow>> ListAsync(CancellationToken cancellationToken)
    {
        var rows = await (
            from u in db.Users.AsNoTracking()
            join ur in db.UserRoles on u.Id equals ur.UserId into urs
            from ur in urs.DefaultIfEmpty()
            join r in db.Roles on ur.RoleId equals r.Id into rs
            from r in rs.DefaultIfEmpty()
            orderby u.Email
            select new { u.Email, Role = r == null ? null : r.Name, u.IsDisabled, u.LockoutEnd }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return rows.Select(r => new UserRow(r.Email!, r.Role, r.IsDisabled, r.LockoutEnd > now)).ToList();
    }

    /// <summary>Their sign-ins are checked again at their next request, here and on every other instance.</summary>
    private async Task ForgetSignInsAsync(AppUser user)
    {
        recentSignIns.Forget(user.Id);
        await cluster.UserChangedAsync(db, user.Id, CancellationToken.None);
    }

    private static void RequireRole(string role)
    {
        if (!Roles.UserRoles.Contains(role))
            throw new AdminRefusal($"unknown role '{role}'; use one of {string.Join(", ", Roles.UserRoles)}");
    }

    private async Task<AppUser> FindAsync(string email) =>
        await users.FindByEmailAsync(email) ?? throw new AdminRefusal($"no user with e-mail '{email}'");

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new AdminRefusal($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
