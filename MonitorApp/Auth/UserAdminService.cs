using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Audit;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public sealed record UserRow(string Email, string? Role, bool IsDisabled, bool IsLockedOut, bool HasMfa, bool MustChangePassword);

/// <summary>
/// Adds users, changes their role or password, disables them, resets their second factor; used by the CLI and the admin
/// pages alike. Each change is in the audit trail.
/// </summary>
public sealed class UserAdminService(UserManager<AppUser> users, IUserStore<AppUser> userStore, MonitorDbContext db, TimeProvider time, RecentSignInChecks recentSignIns,
    ClusterNotifications cluster, AuditLog audit)
{
    /// <summary>
    /// Adds a user; returns the generated password (to be shown once) when none was given. A generated password must be
    /// changed at the first sign-in: someone else has seen it.
    /// </summary>
    public async Task<string?> AddAsync(string email, string role, string? password)
    {
        RequireRole(role);
        if (string.IsNullOrWhiteSpace(email) || !email.Contains('@'))
            throw new AdminRefusal($"'{email}' is not an e-mail address");
        if (await users.FindByEmailAsync(email) is not null)
            throw new AdminRefusal($"a user with e-mail '{email}' already exists");
        var generated = string.IsNullOrEmpty(password) ? PasswordGenerator.New() : null;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, MustChangePassword = generated is not null };
        await db.InOneTransactionAsync(async () =>
        {
            Check(await users.CreateAsync(user, password is { Length: > 0 } ? password : generated!), $"cannot add '{email}'");
            Check(await users.AddToRoleAsync(user, role), $"cannot give '{email}' the role {role}");
            await audit.RecordAsync(AuditActions.UserAdded, AuditActions.Success, target: email, detail: role);
        });
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
        await audit.RecordAsync(AuditActions.RoleChanged, AuditActions.Success, target: email, detail: role);
        await transaction.CommitAsync();
        await ForgetSignInsAsync(user);
    }

    /// <summary>
    /// Sets a password (and lifts a lockout); returns the generated one when none was given, which must then be changed
    /// at the next sign-in. Every sign-in of the user ends.
    /// </summary>
    public async Task<string?> SetPasswordAsync(string email, string? password)
    {
        var user = await FindAsync(email);
        var generated = string.IsNullOrEmpty(password) ? PasswordGenerator.New() : null;
        var chosen = generated ?? password!;
        foreach (var validator in users.PasswordValidators)
            Check(await validator.ValidateAsync(users, user, chosen), "password rejected");
        await db.InOneTransactionAsync(async () =>
        {
            Check(await users.RemovePasswordAsync(user), $"cannot reset the password of '{email}'");
            user.MustChangePassword = generated is not null;
            Check(await users.AddPasswordAsync(user, chosen), $"cannot set the password of '{email}'");
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            await audit.RecordAsync(AuditActions.PasswordChanged, AuditActions.Success, target: email, detail: generated is null ? "set by an administrator" : "generated; to be changed at the next sign-in");
        });
        await ForgetSignInsAsync(user);
        return generated;
    }

    /// <summary>
    /// A user's own change: the current password must be right. Their other sign-ins end (a new security stamp); the caller
    /// continues the one the change was made in.
    /// </summary>
    public async Task ChangeOwnPasswordAsync(AppUser user, string current, string chosen)
    {
        if (current == chosen)
            throw new AdminRefusal("the new password must differ from the current one", "NewPassword");
        var result = await db.InOneTransactionAsync(async () =>
        {
            var result = await users.ChangePasswordAsync(user, current, chosen);
            if (!result.Succeeded)
                return result;
            if (user.MustChangePassword)
            {
                user.MustChangePassword = false;
                Check(await users.UpdateAsync(user), "cannot record the change");
            }
            await audit.RecordAsync(AuditActions.PasswordChanged, AuditActions.Success, target: user.Email, detail: "by the user");
            return result;
        });
        if (!result.Succeeded)
        {
            var wrongCurrent = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
            await audit.RecordAsync(AuditActions.PasswordChanged, AuditActions.Failure, target: user.Email, detail: wrongCurrent ? "wrong current password" : "new password refused");
            throw new AdminRefusal(wrongCurrent ? "the current password is not right" : string.Join(" ", result.Errors.Select(e => e.Description)),
                wrongCurrent ? "CurrentPassword" : "NewPassword");
        }
        await ForgetSignInsAsync(user);
    }

    /// <summary>
    /// The key the user's authenticator app is to be given: the one not yet turned on, or a new one. Stored without renewing
    /// the security stamp (Identity's ResetAuthenticatorKeyAsync renews it): merely showing the enrolment page must not end
    /// the user's other sign-ins.
    /// </summary>
    public async Task<string> AuthenticatorKeyAsync(AppUser user)
    {
        if (await users.GetAuthenticatorKeyAsync(user) is { Length: > 0 } key)
            return key;
        var store = (IUserAuthenticatorKeyStore<AppUser>)userStore;
        key = users.GenerateNewAuthenticatorKey();
        await store.SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
        Check(await users.UpdateAsync(user), "cannot store the authenticator key");
        return key;
    }

    /// <summary>
    /// Turns the user's authenticator on when <paramref name="code"/> is what it shows now; returns ten recovery codes (to be
    /// shown once), or null for a wrong code. Their other sign-ins end (a new security stamp).
    /// </summary>
    public async Task<IReadOnlyList<string>?> EnableMfaAsync(AppUser user, string code)
    {
        var digits = code.Replace(" ", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, digits))
            return null;
        var codes = await db.InOneTransactionAsync(async () =>
        {
            Check(await users.SetTwoFactorEnabledAsync(user, true), "cannot turn on two-factor sign-in");
            var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))?.ToList() ?? [];
            await audit.RecordAsync(AuditActions.MfaEnrolled, AuditActions.Success, target: user.Email);
            return codes;
        });
        await ForgetSignInsAsync(user);
        return codes;
    }

    /// <summary>Removes a user's authenticator and recovery codes (a lost phone): they sign in with the password alone, or enrol again.</summary>
    public async Task ResetMfaAsync(string email)
    {
        var user = await FindAsync(email);
        await db.InOneTransactionAsync(async () =>
        {
            Check(await users.SetTwoFactorEnabledAsync(user, false), $"cannot reset the second factor of '{email}'");
            Check(await users.ResetAuthenticatorKeyAsync(user), $"cannot reset the authenticator of '{email}'");
            await users.SetAuthenticationTokenAsync(user, ProtectedSecretsUserStore.StoreProvider, ProtectedSecretsUserStore.RecoveryCodesName, null);
            await users.UpdateSecurityStampAsync(user);
            await audit.RecordAsync(AuditActions.MfaReset, AuditActions.Success, target: email);
        });
        await ForgetSignInsAsync(user);
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
        await audit.RecordAsync(AuditActions.UserDisabled, AuditActions.Success, target: email);
        await transaction.CommitAsync();
        await ForgetSignInsAsync(user);
    }

    /// <summary>Whether <paramref name="principal"/> is the user with this e-mail, by account id (not by comparing e-mail text).</summary>
    public async Task<bool> IsSameUserAsync(System.Security.Claims.ClaimsPrincipal principal, string? email) =>
        !string.IsNullOrEmpty(email) && users.GetUserId(principal) is { } id && (await users.FindByEmailAsync(email))?.Id == id;

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
            select new { u.Email, Role = r == null ? null : r.Name, u.IsDisabled, u.LockoutEnd, u.TwoFactorEnabled, u.MustChangePassword }).ToListAsync(cancellationToken);
        var now = time.GetUtcNow();
        return rows.Select(r => new UserRow(r.Email!, r.Role, r.IsDisabled, r.LockoutEnd > now, r.TwoFactorEnabled, r.MustChangePassword)).ToList();
    }

    /// <summary>Their sign-ins are checked again at their next request, here and on every other instance.</summary>
    private async Task ForgetSignInsAsync(AppUser user)
    {
        recentSignIns.Forget(user.Id);
        await cluster.NotifyAsync(db, RecentSignInChecks.ClusterTopic, user.Id, CancellationToken.None);
    }

    private static void RequireRole(string role)
    {
        if (!Roles.UserRoles.Contains(role))
            throw new AdminRefusal($"unknown role '{role}'; use one of {string.Join(", ", Roles.UserRoles)}");
    }

    private async Task<AppUser> FindAsync(string? email) =>
        (string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email)) ?? throw new AdminRefusal($"no user with e-mail '{email}'", "email");

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new AdminRefusal($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}
