using System.CommandLine;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;

namespace MonitorApp.Cli;

/// <summary>
/// Administration from the shell: <c>users</c>, <c>tokens</c> and <c>db</c>. Every failure prints one
/// line on stderr and exits non-zero; <c>tokens create</c> prints the secret alone on the last line.
/// </summary>
public static class MonitorCli
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string> { "users", "tokens", "db" };

    public static bool IsCliInvocation(string[] args) => args.Length > 0 && Commands.Contains(args[0]);

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildCommands(services, stdin, stdout);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see --help)");
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (CliException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static RootCommand BuildCommands(IServiceProvider services, TextReader stdin, TextWriter stdout)
    {
        var email = new Option<string>("--email") { Description = "The user's e-mail address (also the sign-in name).", Required = true };
        var role = new Option<string>("--role") { Description = "SUPER_ADMIN, SYSTEM_MONITOR or CONTENT_MANAGER (tokens also INGEST).", Required = true };
        var name = new Option<string>("--name") { Description = "A unique name for the token, e.g. platform-api.", Required = true };

        var usersAdd = new Command("add", "Add a user. The password is read from stdin, or generated and printed once.") { email, role };
        usersAdd.SetAction((p, ct) => WithServices(services, s => UsersAddAsync(s, p.GetValue(email)!, p.GetValue(role)!, stdin, stdout)));
        var usersSetRole = new Command("set-role", "Give a user a different role (replaces the current one).") { email, role };
        usersSetRole.SetAction((p, ct) => WithServices(services, s => UsersSetRoleAsync(s, p.GetValue(email)!, p.GetValue(role)!, stdout)));
        var usersSetPassword = new Command("set-password", "Set a user's password, read from stdin or generated and printed once.") { email };
        usersSetPassword.SetAction((p, ct) => WithServices(services, s => UsersSetPasswordAsync(s, p.GetValue(email)!, stdin, stdout)));
        var usersList = new Command("list", "List users with their role and state.");
        usersList.SetAction((p, ct) => WithServices(services, s => UsersListAsync(s, stdout)));
        var usersDisable = new Command("disable", "Disable a user: no sign-in, and current sign-ins stop working.") { email };
        usersDisable.SetAction((p, ct) => WithServices(services, s => UsersDisableAsync(s, p.GetValue(email)!, stdout)));

        var tokensCreate = new Command("create", "Create an API token; the secret is printed once, alone on the last line.") { name, role };
        tokensCreate.SetAction((p, ct) => WithServices(services, s => TokensCreateAsync(s, p.GetValue(name)!, p.GetValue(role)!, stdout)));
        var tokensList = new Command("list", "List API tokens (never their secrets).");
        tokensList.SetAction((p, ct) => WithServices(services, s => TokensListAsync(s, stdout)));
        var tokensRevoke = new Command("revoke", "Revoke an API token; it stops working at once.") { name };
        tokensRevoke.SetAction((p, ct) => WithServices(services, s => TokensRevokeAsync(s, p.GetValue(name)!, stdout)));

        var dbMigrate = new Command("migrate", "Apply pending migrations to the configured database.");
        dbMigrate.SetAction(async (p, ct) =>
        {
            await services.MigrateAsync(ct);
            await using var scope = services.CreateAsyncScope();
            await RoleSeeder.EnsureRolesAsync(scope.ServiceProvider);
            await stdout.WriteLineAsync("database is up to date");
            return 0;
        });

        return new RootCommand("MonitorApp: with no command, runs the web server.")
        {
            new Command("users", "Manage users.") { usersAdd, usersSetRole, usersSetPassword, usersList, usersDisable },
            new Command("tokens", "Manage API tokens.") { tokensCreate, tokensList, tokensRevoke },
            new Command("db", "Database administration.") { dbMigrate },
        };
    }

    private static async Task<int> WithServices(IServiceProvider services, Func<IServiceProvider, Task> action)
    {
        await using var scope = services.CreateAsyncScope();
        await action(scope.ServiceProvider);
        return 0;
    }

    private static async Task UsersAddAsync(IServiceProvider s, string email, string role, TextReader stdin, TextWriter stdout)
    {
        RequireRole(role, Roles.UserRoles);
        var users = s.GetRequiredService<UserManager<AppUser>>();
        if (await users.FindByEmailAsync(email) is not null)
            throw new CliException($"a user with e-mail '{email}' already exists");

        var (password, generated) = await ReadOrGeneratePasswordAsync(stdin);
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        Check(await users.CreateAsync(user, password), $"cannot add '{email}'");
        Check(await users.AddToRoleAsync(user, role), $"cannot give '{email}' the role {role}");
        await stdout.WriteLineAsync($"added {email} as {role}");
        if (generated)
            await stdout.WriteLineAsync($"password (shown once): {password}");
    }

    private static async Task UsersSetRoleAsync(IServiceProvider s, string email, string role, TextWriter stdout)
    {
        RequireRole(role, Roles.UserRoles);
        var users = s.GetRequiredService<UserManager<AppUser>>();
        var user = await FindUserAsync(users, email);
        var current = await users.GetRolesAsync(user);
        if (current.Count > 0)
            Check(await users.RemoveFromRolesAsync(user, current), $"cannot change the role of '{email}'");
        Check(await users.AddToRoleAsync(user, role), $"cannot give '{email}' the role {role}");
        // A new stamp makes existing sign-ins pick up the new role on their next request.
        await users.UpdateSecurityStampAsync(user);
        await stdout.WriteLineAsync($"{email} is now {role}");
    }

    private static async Task UsersSetPasswordAsync(IServiceProvider s, string email, TextReader stdin, TextWriter stdout)
    {
        var users = s.GetRequiredService<UserManager<AppUser>>();
        var user = await FindUserAsync(users, email);
        var (password, generated) = await ReadOrGeneratePasswordAsync(stdin);
        var validation = await Task.WhenAll(users.PasswordValidators.Select(v => v.ValidateAsync(users, user, password)));
        foreach (var result in validation)
            Check(result, "password rejected");
        Check(await users.RemovePasswordAsync(user), $"cannot reset the password of '{email}'");
        Check(await users.AddPasswordAsync(user, password), $"cannot set the password of '{email}'");
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await stdout.WriteLineAsync($"password of {email} changed");
        if (generated)
            await stdout.WriteLineAsync($"password (shown once): {password}");
    }

    private static async Task UsersListAsync(IServiceProvider s, TextWriter stdout)
    {
        var db = s.GetRequiredService<MonitorDbContext>();
        var rows = await (
            from u in db.Users.AsNoTracking()
            join ur in db.UserRoles on u.Id equals ur.UserId into urs
            from ur in urs.DefaultIfEmpty()
            join r in db.Roles on ur.RoleId equals r.Id into rs
            from r in rs.DefaultIfEmpty()
            orderby u.Email
            select new { u.Email, Role = r == null ? null : r.Name, u.IsDisabled, u.LockoutEnd }).ToListAsync();
        await stdout.WriteLineAsync($"{"EMAIL",-40} {"ROLE",-16} STATE");
        foreach (var row in rows)
        {
            var state = row.IsDisabled ? "disabled" : row.LockoutEnd > DateTimeOffset.UtcNow ? "locked out" : "active";
            await stdout.WriteLineAsync($"{row.Email,-40} {row.Role ?? "-",-16} {state}");
        }
    }

    private static async Task UsersDisableAsync(IServiceProvider s, string email, TextWriter stdout)
    {
        var users = s.GetRequiredService<UserManager<AppUser>>();
        var user = await FindUserAsync(users, email);
        user.IsDisabled = true;
        Check(await users.UpdateAsync(user), $"cannot disable '{email}'");
        await users.UpdateSecurityStampAsync(user);
        await stdout.WriteLineAsync($"{email} is disabled");
    }

    private static async Task TokensCreateAsync(IServiceProvider s, string name, string role, TextWriter stdout)
    {
        RequireRole(role, Roles.TokenRoles);
        var tokens = s.GetRequiredService<ApiTokenService>();
        var created = await tokens.CreateAsync(name, role, CancellationToken.None);
        if (created is null)
            throw new CliException($"a token named '{name}' already exists");
        await stdout.WriteLineAsync($"created token '{name}' ({role}); copy it now, it is not shown again:");
        await stdout.WriteLineAsync(created);
    }

    private static async Task TokensListAsync(IServiceProvider s, TextWriter stdout)
    {
        var tokens = await s.GetRequiredService<ApiTokenService>().ListAsync(CancellationToken.None);
        await stdout.WriteLineAsync($"{"NAME",-30} {"ROLE",-16} {"CREATED (UTC)",-20} {"LAST USED (UTC)",-20} STATE");
        foreach (var t in tokens)
        {
            await stdout.WriteLineAsync(
                $"{t.Name,-30} {t.Role,-16} {t.CreatedAt:yyyy-MM-dd HH:mm,-20} {(t.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm") : "never"),-20} {(t.RevokedAt is null ? "active" : "revoked")}");
        }
    }

    private static async Task TokensRevokeAsync(IServiceProvider s, string name, TextWriter stdout)
    {
        var revoked = await s.GetRequiredService<ApiTokenService>().RevokeAsync(name, CancellationToken.None);
        if (!revoked)
            throw new CliException($"no active token named '{name}'");
        await stdout.WriteLineAsync($"token '{name}' revoked");
    }

    private static void RequireRole(string role, IReadOnlyList<string> allowed)
    {
        if (!allowed.Contains(role))
            throw new CliException($"unknown role '{role}'; use one of {string.Join(", ", allowed)}");
    }

    private static async Task<AppUser> FindUserAsync(UserManager<AppUser> users, string email) =>
        await users.FindByEmailAsync(email) ?? throw new CliException($"no user with e-mail '{email}'");

    private static async Task<(string Password, bool Generated)> ReadOrGeneratePasswordAsync(TextReader stdin)
    {
        // A password on the command line would land in shell history; stdin does not.
        var typed = Console.IsInputRedirected || stdin != Console.In ? (await stdin.ReadLineAsync())?.Trim() : null;
        return string.IsNullOrEmpty(typed) ? (PasswordGenerator.New(), true) : (typed, false);
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new CliException($"{what}: {string.Join(" ", result.Errors.Select(e => e.Description))}");
    }
}

public sealed class CliException(string message) : Exception(message);
