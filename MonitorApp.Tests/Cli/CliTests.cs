using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Cli;

public abstract class CliTests(AppFixture fixture)
{
    [SkippableFact]
    public async Task UsersAdd_WithPasswordOnStdin_CreatesAUserWhoCanSignIn()
    {
        var app = fixture.App;
        var email = $"cli-{Guid.NewGuid():N}@test.local";
        var result = await CliRunner.RunWithInputAsync(app, "Stdin-Password-123\n", "users", "add", "--email", email, "--role", Roles.SystemMonitor);

        Assert.Equal(0, result.Code);
        Assert.Contains($"added {email} as SYSTEM_MONITOR", result.Stdout);
        Assert.DoesNotContain("Stdin-Password-123", result.Stdout);
        var client = app.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(client, email, "Stdin-Password-123")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task UsersAdd_WithoutPassword_GeneratesOneAndPrintsItOnce()
    {
        var app = fixture.App;
        var email = $"gen-{Guid.NewGuid():N}@test.local";
        var result = await CliRunner.RunAsync(app, "users", "add", "--email", email, "--role", Roles.SuperAdmin);

        Assert.Equal(0, result.Code);
        var password = AppProcess.GeneratedPassword(result.Stdout);
        Assert.True(password.Length >= 16);
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(app.CreateBrowserClient(), email, password)).StatusCode);
    }

    [SkippableFact]
    public async Task UsersSetRole_ChangesWhatTheUserMaySee_AtTheirNextRequest()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.ContentManager);
        var client = app.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/dashboard")).StatusCode);

        var result = await CliRunner.RunAsync(app, "users", "set-role", "--email", email, "--role", Roles.SystemMonitor);
        Assert.Equal(0, result.Code);

        // The role change invalidated the old cookie; signing in again gives the new role.
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/dashboard")).StatusCode);
        var list = await CliRunner.RunAsync(app, "users", "list");
        Assert.Matches($@"{Regex(email)}\s+SYSTEM_MONITOR\s+no\s+active", list.Stdout); // no authenticator
    }

    private static string Regex(string s) => System.Text.RegularExpressions.Regex.Escape(s);

    [SkippableFact]
    public async Task TokensCreate_PrintsTheSecretAloneOnTheLastLine_AndRevokeStopsIt()
    {
        var app = fixture.App;
        var name = $"platform-{Guid.NewGuid():N}";
        var created = await CliRunner.RunAsync(app, "tokens", "create", "--name", name, "--role", Roles.Ingest);
        Assert.Equal(0, created.Code);
        var secret = created.Stdout.TrimEnd().Split('\n')[^1].Trim();
        Assert.StartsWith("mon_", secret);
        Assert.True(secret.Length >= 4 + 43, "256 bits, base64url");

        var stored = await app.WithDbAsync(db => db.ApiTokens.AsNoTracking().SingleAsync(t => t.Name == name));
        Assert.NotEqual(secret, stored.TokenHash);
        Assert.DoesNotContain(secret, stored.TokenHash);

        var client = app.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var body = new StringContent($$"""{"events":[{"session_id":"{{name}}","type":"started","at":"{{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}","category":"Career","provider":"livekit"}]}""", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/api/ingest/session-events", body)).StatusCode);

        var list = await CliRunner.RunAsync(app, "tokens", "list");
        Assert.Matches($@"{Regex(name)}\s+INGEST\s+\S+ \S+\s+\S+ \S+\s+\S+ \S+\s+active", list.Stdout); // created, expires, last used
        Assert.DoesNotContain(secret, list.Stdout);

        Assert.Equal(0, (await CliRunner.RunAsync(app, "tokens", "revoke", "--name", name)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/ingest/session-events", body)).StatusCode);
        Assert.Matches($@"{Regex(name)}\s+INGEST.*revoked", (await CliRunner.RunAsync(app, "tokens", "list")).Stdout);
    }

    [SkippableTheory]
    [InlineData("unknown role 'ADMIN'", "users", "add", "--email", "x@test.local", "--role", "ADMIN")]
    [InlineData("unknown role 'INGEST'", "users", "add", "--email", "x@test.local", "--role", "INGEST")]
    [InlineData("unknown role 'ROOT'", "tokens", "create", "--name", "t", "--role", "ROOT")]
    [InlineData("no user with e-mail", "users", "set-role", "--email", "nobody@test.local", "--role", "SUPER_ADMIN")]
    [InlineData("no user with e-mail", "users", "disable", "--email", "nobody@test.local")]
    [InlineData("no active token named", "tokens", "revoke", "--name", "never-created")]
    [InlineData("--email", "users", "add", "--role", "SUPER_ADMIN")]
    [InlineData("frobnicate", "users", "frobnicate")]
    public async Task BadInput_ExitsNonZeroWithOneLineReason(string expected, params string[] args)
    {
        var result = await CliRunner.RunAsync(fixture.App, args);
        Assert.NotEqual(0, result.Code);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
    }

    [SkippableFact]
    public async Task DuplicateEmailOrTokenName_ExitsNonZero()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.SystemMonitor);
        var user = await CliRunner.RunAsync(app, "users", "add", "--email", email, "--role", Roles.SystemMonitor);
        Assert.Equal(1, user.Code);
        Assert.Contains("already exists", user.Stderr);

        var name = $"dup-{Guid.NewGuid():N}";
        Assert.Equal(0, (await CliRunner.RunAsync(app, "tokens", "create", "--name", name, "--role", Roles.Ingest)).Code);
        var token = await CliRunner.RunAsync(app, "tokens", "create", "--name", name, "--role", Roles.Ingest);
        Assert.Equal(1, token.Code);
        Assert.Contains("already exists", token.Stderr);
    }

    [SkippableFact]
    public async Task DbMigrate_OnAnUpToDateDatabase_Succeeds()
    {
        var result = await CliRunner.RunAsync(fixture.App, "db", "migrate");
        Assert.Equal(0, result.Code);
        Assert.Contains("up to date", result.Stdout);
    }
}

public sealed class SqliteCliTests(SqliteAppFixture fixture) : CliTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresCliTests(PostgresAppFixture fixture) : CliTests(fixture), IClassFixture<PostgresAppFixture>;
