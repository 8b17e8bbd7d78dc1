using System.CommandLine;
using MonitorApp.Auth;
using MonitorApp.Data;

namespace MonitorApp.Cli;

/// <summary>
/// Administration from the shell: <c>users</c>, <c>tokens</c>, <c>audit</c> and <c>db</c>. Every failure prints one
/// line on stderr and exits non-zero; <c>tokens create</c> prints the secret alone on the last line.
/// </summary>
public static class MonitorCli
{
    public static readonly IReadOnlySet<string> Commands = new HashSet<string> { "users", "tokens", "audit", "db" };

    /// <summary>
    /// Any first word is a command (a typo such as <c>audit lst</c> gets the usage and a non-zero exit, never a
    /// web server started by mistake); only no arguments, or host settings (<c>--urls …</c>, <c>Key=value</c>), start the server.
    /// </summary>
    public static bool IsCliInvocation(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=');

    /// <summary>Builds the app's services with <paramref name="addFeatures"/> (as the web server does) and runs one command.</summary>
    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> addFeatures)
    {
        // The command's arguments are not host settings.
        var builder = WebApplication.CreateBuilder([]);
        // Keep stdout for the command's own output (a token is read off its last line).
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        addFeatures(builder);
        await using var app = builder.Build();
        // `db migrate` is how a PostgreSQL database gets its tables, so it must not insist they exist.
        // An unknown command is refused before the database is touched.
        if (Commands.Contains(args[0]) && args[0] != "db")
            await DatabaseInitializer.InitializeAsync(app.Services, CancellationToken.None);
        return await RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
    }

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildCommands(services, stdin, stdout);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            await stderr.WriteLineAsync($"error: {string.Join(" ", parsed.Errors.Select(e => e.Message))} (see --help)");
            if (!Commands.Contains(args[0]))
            {
                // Not a command at all: show what the commands are (with no arguments the app runs the web server).
                await root.Parse("--help").InvokeAsync(new InvocationConfiguration { Output = stderr, Error = stderr });
            }
            return 2;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (AdminRefusal ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 1;
        }
    }

    private static RootCommand BuildCommands(IServiceProvider services, TextReader stdin, TextWriter stdout)
    {
        var email = new Option<string>("--email") { Description = "The user's e-mail address (also the sign-in name).", Required = true };
        var userRole = RoleOption(Roles.UserRoles);
        var tokenRole = RoleOption(Roles.TokenRoles);
        var name = new Option<string>("--name") { Description = "A unique name for the token, e.g. platform-api.", Required = true };

        var usersAdd = new Command("add", "Add a user. The password is read from stdin, or generated and printed once.") { email, userRole };
        usersAdd.SetAction((p, ct) => WithServices(services, s => UsersAddAsync(s, p.GetValue(email)!, p.GetValue(userRole)!, stdin, stdout)));
        var usersSetRole = new Command("set-role", "Give a user a different role (replaces the current one).") { email, userRole };
        usersSetRole.SetAction((p, ct) => WithServices(services, s => UsersSetRoleAsync(s, p.GetValue(email)!, p.GetValue(userRole)!, stdout)));
        var usersSetPassword = new Command("set-password", "Set a user's password, read from stdin or generated and printed once.") { email };
        usersSetPassword.SetAction((p, ct) => WithServices(services, s => UsersSetPasswordAsync(s, p.GetValue(email)!, stdin, stdout)));
        var usersList = new Command("list", "List users with their role and state.");
        usersList.SetAction((p, ct) => WithServices(services, s => UsersListAsync(s, stdout)));
        var usersDisable = new Command("disable", "Disable a user: no sign-in, and current sign-ins stop working.") { email };
        usersDisable.SetAction((p, ct) => WithServices(services, s => UsersDisableAsync(s, p.GetValue(email)!, stdout)));
        var usersResetMfa = new Command("reset-mfa", "Remove a user's authenticator and recovery codes (a lost phone); they sign in with the password and enrol again.") { email };
        usersResetMfa.SetAction((p, ct) => WithServices(services, s => UsersResetMfaAsync(s, p.GetValue(email)!, stdout)));

        var since = new Option<string>("--since") { Description = "How far back: e.g. 24h, 7d, 30m.", DefaultValueFactory = _ => "24h" };
        since.Validators.Add(result =>
        {
            if (!ApiToken.TryParseLifetime(result.GetValueOrDefault<string>(), out var span, out var error) || span is null)
                result.AddError($"--since: {error ?? "write e.g. 24h, 7d or 30m"}");
        });
        var action = new Option<string?>("--action") { Description = string.Join(", ", Audit.AuditActions.All) };
        action.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && !Audit.AuditActions.All.Contains(value))
                result.AddError($"unknown action '{value}'; use one of {string.Join(", ", Audit.AuditActions.All)}");
        });
        var user = new Option<string?>("--user") { Description = "Only events by or about this user (e-mail) or token (token:<name>)." };
        var auditList = new Command("list", "List audit events, newest first.") { since, action, user };
        auditList.SetAction((p, ct) => WithServices(services, s => AuditListAsync(s, p.GetValue(since)!, p.GetValue(action), p.GetValue(user), stdout)));

        var expiresIn = new Option<string>("--expires-in")
        {
            Description = "How long the token works: e.g. 90d, 12h, 30m, or never.",
            DefaultValueFactory = _ => ApiToken.DefaultLifetimeText,
        };
        expiresIn.Validators.Add(result =>
        {
            if (!ApiToken.TryParseLifetime(result.GetValueOrDefault<string>(), out _, out var error))
                result.AddError($"--expires-in: {error}");
        });
        var tokensCreate = new Command("create", "Create an API token; the secret is printed once, alone on the last line.") { name, tokenRole, expiresIn };
        tokensCreate.SetAction((p, ct) => WithServices(services, s => TokensCreateAsync(s, p.GetValue(name)!, p.GetValue(tokenRole)!, p.GetValue(expiresIn)!, stdout)));
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
            new Command("users", "Manage users.") { usersAdd, usersSetRole, usersSetPassword, usersList, usersDisable, usersResetMfa },
            new Command("tokens", "Manage API tokens.") { tokensCreate, tokensList, tokensRevoke },
            new Command("audit", "Read the audit trail.") { auditList },
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
        var generated = await s.GetRequiredService<UserAdminService>().AddAsync(email, role, await ReadPasswordAsync(stdin));
        await stdout.WriteLineAsync($"added {email} as {role}");
        if (generated is not null)
            await stdout.WriteLineAsync($"password (shown once): {generated}");
    }

    private static async Task UsersSetRoleAsync(IServiceProvider s, string email, string role, TextWriter stdout)
    {
        await s.GetRequiredService<UserAdminService>().SetRoleAsync(email, role);
        await stdout.WriteLineAsync($"{email} is now {role}");
    }

    private static async Task UsersSetPasswordAsync(IServiceProvider s, string email, TextReader stdin, TextWriter stdout)
    {
        var generated = await s.GetRequiredService<UserAdminService>().SetPasswordAsync(email, await ReadPasswordAsync(stdin));
        await stdout.WriteLineAsync($"password of {email} changed");
        if (generated is not null)
            await stdout.WriteLineAsync($"password (shown once): {generated}");
    }

    private static async Task UsersListAsync(IServiceProvider s, TextWriter stdout)
    {
        var rows = await s.GetRequiredService<UserAdminService>().ListAsync(CancellationToken.None);
        await stdout.WriteLineAsync($"{"EMAIL",-40} {"ROLE",-16} {"MFA",-4} STATE");
        foreach (var row in rows)
        {
            var state = row.IsDisabled ? "disabled" : row.IsLockedOut ? "locked out" : row.MustChangePassword ? "active, must change password" : "active";
            await stdout.WriteLineAsync($"{row.Email,-40} {row.Role ?? "-",-16} {(row.HasMfa ? "yes" : "no"),-4} {state}");
        }
    }

    private static async Task UsersResetMfaAsync(IServiceProvider s, string email, TextWriter stdout)
    {
        await s.GetRequiredService<UserAdminService>().ResetMfaAsync(email);
        await stdout.WriteLineAsync($"the authenticator of {email} is removed; their sign-ins have ended");
    }

    private static async Task AuditListAsync(IServiceProvider s, string since, string? action, string? user, TextWriter stdout)
    {
        ApiToken.TryParseLifetime(since, out var span, out _); // validated by the option
        var from = s.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime - span!.Value;
        var audit = s.GetRequiredService<Audit.AuditLog>();
        await stdout.WriteLineAsync($"{"AT (UTC)",-20} {"ACTION",-16} {"OUTCOME",-8} {"ACTOR",-32} {"TARGET",-32} {"ADDRESS",-16} DETAIL");
        for (var page = 1; ; page++)
        {
            var read = await audit.ReadAsync(action, user, from, page, CancellationToken.None);
            foreach (var e in read.Events)
                await stdout.WriteLineAsync($"{e.At:yyyy-MM-dd HH:mm:ss,-20} {e.Action,-16} {e.Outcome,-8} {e.Actor ?? "-",-32} {e.Target ?? "-",-32} {e.Address ?? "-",-16} {e.Detail}");
            if (!read.HasMore)
                break;
        }
    }

    private static async Task UsersDisableAsync(IServiceProvider s, string email, TextWriter stdout)
    {
        await s.GetRequiredService<UserAdminService>().DisableAsync(email);
        await stdout.WriteLineAsync($"{email} is disabled");
    }

    private static async Task TokensCreateAsync(IServiceProvider s, string name, string role, string expiresIn, TextWriter stdout)
    {
        ApiToken.TryParseLifetime(expiresIn, out var lifetime, out _); // validated by the option
        var created = await s.GetRequiredService<ApiTokenService>().CreateAsync(name, role, lifetime, CancellationToken.None);
        var expiry = lifetime is { } l ? $"expires {(s.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime + l):yyyy-MM-dd HH:mm} UTC" : "never expires";
        await stdout.WriteLineAsync($"created token '{name}' ({role}, {expiry}); copy it now, it is not shown again:");
        await stdout.WriteLineAsync(created);
    }

    private static async Task TokensListAsync(IServiceProvider s, TextWriter stdout)
    {
        var tokens = await s.GetRequiredService<ApiTokenService>().ListAsync(CancellationToken.None);
        var now = s.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        await stdout.WriteLineAsync($"{"NAME",-30} {"ROLE",-16} {"CREATED (UTC)",-20} {"EXPIRES (UTC)",-20} {"LAST USED (UTC)",-20} STATE");
        foreach (var t in tokens)
        {
            await stdout.WriteLineAsync(
                $"{t.Name,-30} {t.Role,-16} {t.CreatedAt:yyyy-MM-dd HH:mm,-20} {(t.ExpiresAt is { } expires ? expires.ToString("yyyy-MM-dd HH:mm") : "never"),-20} " +
                $"{(t.LastUsedAt is { } used ? used.ToString("yyyy-MM-dd HH:mm") : "never"),-20} {t.StateAt(now)}");
        }
    }

    private static async Task TokensRevokeAsync(IServiceProvider s, string name, TextWriter stdout)
    {
        await s.GetRequiredService<ApiTokenService>().RevokeAsync(name, CancellationToken.None);
        await stdout.WriteLineAsync($"token '{name}' revoked");
    }

    /// <summary><c>--role</c>, accepting only <paramref name="allowed"/> (offered by help and completion).</summary>
    private static Option<string> RoleOption(IReadOnlyList<string> allowed)
    {
        var role = new Option<string>("--role") { Description = string.Join(", ", allowed), HelpName = string.Join("|", allowed), Required = true };
        role.CompletionSources.Add(allowed.ToArray());
        role.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string>() is { } value && !allowed.Contains(value))
                result.AddError($"unknown role '{value}'; use one of {string.Join(", ", allowed)}");
        });
        return role;
    }

    private static async Task<string?> ReadPasswordAsync(TextReader stdin)
    {
        // A password on the command line would land in shell history; stdin does not.
        var typed = Console.IsInputRedirected || stdin != Console.In ? (await stdin.ReadLineAsync())?.Trim() : null;
        return string.IsNullOrEmpty(typed) ? null : typed;
    }
}
