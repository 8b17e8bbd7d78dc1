using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>API tokens expire (90 days unless asked otherwise; "never" only when chosen) and say so everywhere they are listed.</summary>
public abstract class TokenExpiryTests(DatabaseProvider provider)
{
    private const string Route = "/api/admin/metrics/current";

    private static async Task<HttpClient> ClientAsync(IsolatedApp app, string name, TimeSpan? lifetime)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var secret = await scope.ServiceProvider.GetRequiredService<ApiTokenService>().CreateAsync(name, Roles.SystemMonitor, lifetime, CancellationToken.None);
        var client = app.App.CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    [SkippableFact]
    public async Task AnExpiredToken_IsRefused_EvenWhenItWasVerifiedAMomentAgo()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var client = await ClientAsync(app, "short-lived", TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Route)).StatusCode);

        app.Time.Advance(TimeSpan.FromSeconds(295));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Route)).StatusCode); // verified again, and trusted for 10 s…
        app.Time.Advance(TimeSpan.FromSeconds(6));
        var refused = await client.GetAsync(Route); // …but not past its expiry
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);

        // (A fake clock moved months ahead would fire every periodic timer once per period: "never" is checked by the listing test.)
    }

    [SkippableFact]
    public async Task TheCommandLine_SetsAndShowsExpiry_DefaultNinetyDays_NeverOnlyWhenAsked()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "tokens", "create", "--name", "default-life", "--role", Roles.Ingest)).Code);
        var never = await CliRunner.RunAsync(app.App, "tokens", "create", "--name", "no-expiry", "--role", Roles.Ingest, "--expires-in", "never");
        Assert.Equal(0, never.Code);
        Assert.Contains("never expires", never.Stdout);
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "tokens", "create", "--name", "one-hour", "--role", Roles.Ingest, "--expires-in", "1h")).Code);

        var bad = await CliRunner.RunAsync(app.App, "tokens", "create", "--name", "bad-life", "--role", Roles.Ingest, "--expires-in", "2w");
        Assert.NotEqual(0, bad.Code);
        Assert.Contains("--expires-in", bad.Stderr);

        app.Time.Advance(TimeSpan.FromHours(2));
        var lines = (await CliRunner.RunAsync(app.App, "tokens", "list")).Stdout.Split('\n');
        Assert.Contains("EXPIRES (UTC)", lines[0]);
        var t0 = IsolatedApp.T0.UtcDateTime;
        Assert.Contains(t0.AddDays(90).ToString("yyyy-MM-dd HH:mm"), lines.Single(l => l.StartsWith("default-life")));
        Assert.Matches(@"no-expiry\s+INGEST\s+\S+ \S+\s+never\s+never\s+active", lines.Single(l => l.StartsWith("no-expiry")));
        Assert.EndsWith("expired", lines.Single(l => l.StartsWith("one-hour")).TrimEnd());
    }
}

public sealed class SqliteTokenExpiryTests() : TokenExpiryTests(DatabaseProvider.Sqlite);

public sealed class PostgresTokenExpiryTests() : TokenExpiryTests(DatabaseProvider.Postgres);
