using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>There is always at least one enabled SUPER_ADMIN: nothing may demote or disable the last one.</summary>
public abstract class LastSuperAdminTests(DatabaseProvider provider)
{
    [SkippableFact]
    public async Task TheLastEnabledSuperAdmin_CannotBeDemotedOrDisabled_UntilThereIsAnother()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        Assert.Equal(0, (await CliRunner.RunWithInputAsync(app.App, "First-Admin-Password-1\n", "users", "add", "--email", "first@example.test", "--role", Roles.SuperAdmin)).Code);

        var demote = await CliRunner.RunAsync(app.App, "users", "set-role", "--email", "first@example.test", "--role", Roles.SystemMonitor);
        Assert.NotEqual(0, demote.Code);
        Assert.Contains("last enabled SUPER_ADMIN", demote.Stderr);
        var disable = await CliRunner.RunAsync(app.App, "users", "disable", "--email", "first@example.test");
        Assert.NotEqual(0, disable.Code);
        Assert.Contains("last enabled SUPER_ADMIN", disable.Stderr);
        var listed = (await CliRunner.RunAsync(app.App, "users", "list")).Stdout.Split('\n').Single(l => l.Contains("first@example.test"));
        Assert.Contains(Roles.SuperAdmin, listed);

        // With a second one, the first may go; then the second is the last.
        Assert.Equal(0, (await CliRunner.RunWithInputAsync(app.App, "Second-Admin-Password-2\n", "users", "add", "--email", "second@example.test", "--role", Roles.SuperAdmin)).Code);
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "users", "set-role", "--email", "first@example.test", "--role", Roles.SystemMonitor)).Code);
        var last = await CliRunner.RunAsync(app.App, "users", "disable", "--email", "second@example.test");
        Assert.NotEqual(0, last.Code);
        Assert.Contains("last enabled SUPER_ADMIN", last.Stderr);
        // A disabled SUPER_ADMIN does not count: making the first one SUPER_ADMIN again lets the second be disabled.
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "users", "set-role", "--email", "first@example.test", "--role", Roles.SuperAdmin)).Code);
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "users", "disable", "--email", "second@example.test")).Code);
        Assert.NotEqual(0, (await CliRunner.RunAsync(app.App, "users", "disable", "--email", "first@example.test")).Code);
    }
}

public sealed class SqliteLastSuperAdminTests() : LastSuperAdminTests(DatabaseProvider.Sqlite);

public sealed class PostgresLastSuperAdminTests() : LastSuperAdminTests(DatabaseProvider.Postgres);
