using System.Net;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>
/// Sign-in attempts are limited per client address, per account from one address, and per account from everywhere; over a
/// limit the sign-in page says how long to wait, with 429 and Retry-After. One address cannot keep an administrator out.
/// </summary>
public sealed class SignInLimitTests
{
    // The test's requests come "through a proxy" that says which client sent them (in-process requests have no address of their own).
    private static Dictionary<string, string?> Limits(params (string Key, string Value)[] limits)
    {
        var settings = new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "10.0.0.0/8" };
        foreach (var (key, value) in limits)
            settings["RateLimits:" + key] = value;
        return settings;
    }

    private static async Task<HttpResponseMessage> SignInFromAsync(IsolatedApp app, string address, string email, string password)
    {
        var client = app.App.CreateBrowserClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return await MonitorAppFactory.LoginAsync(client, email, password);
    }

    private static async Task AssertTooManyAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.InRange(int.Parse(response.Headers.GetValues("Retry-After").Single()), 1, 15 * 60);
        var page = await MonitorAppFactory.ParseAsync(response);
        Assert.StartsWith("Too many sign-in attempts. Try again in", page.QuerySelector("[role=alert]")!.TextContent.Trim());
        Assert.NotNull(page.QuerySelector("form input[name='Input.Email']")); // still the sign-in page, readable
    }

    [SkippableFact]
    public async Task WrongPasswordsFromOneAddress_StopThatAddress_NotTheAdministrator()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits(("SignInsPerAccountAndAddress", "3")));
        var admin = await app.App.CreateUserAsync(Roles.SuperAdmin);
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, "10.1.1.1", admin, $"guess-{i}")).StatusCode);

        // The guesser's address is refused even the right password, without it being checked…
        await AssertTooManyAsync(await SignInFromAsync(app, "10.1.1.1", admin, MonitorAppFactory.Password));
        // …while the administrator, from anywhere else, signs in.
        Assert.Equal(HttpStatusCode.Redirect, (await SignInFromAsync(app, "10.2.2.2", admin, MonitorAppFactory.Password)).StatusCode);

        var tripped = await app.App.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Action == AuditActions.RateLimited).ToListAsync());
        var once = Assert.Single(tripped); // a flood of refusals is recorded once a minute at most
        Assert.Equal(admin, once.Actor);
        Assert.Equal("10.1.1.1", once.Address);
        Assert.Equal("RateLimits:SignInsPerAccountAndAddress", once.Target);
    }

    [SkippableFact]
    public async Task OneAddressTryingManyAccounts_IsStoppedPerAddress()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits(("SignInsPerAddressPerMinute", "3")));
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, "10.1.1.1", $"someone-{i}@test.local", "guess-guess-guess")).StatusCode);
        await AssertTooManyAsync(await SignInFromAsync(app, "10.1.1.1", "someone-else@test.local", "guess-guess-guess"));

        var user = await app.App.CreateUserAsync(Roles.SystemMonitor);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInFromAsync(app, "10.2.2.2", user, MonitorAppFactory.Password)).StatusCode);
    }

    [SkippableFact]
    public async Task GuessesFromManyAddresses_LockTheAccountForAWhile_AndSaySo()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits(("SignInsPerAccountAndAddress", "2"), ("SignInsPerAccount", "4")));
        var user = await app.App.CreateUserAsync(Roles.SystemMonitor);
        foreach (var address in new[] { "10.0.0.1", "10.0.0.2" })
        {
            for (var i = 0; i < 2; i++)
                Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, address, user, "guess-guess-guess")).StatusCode);
        }
        await AssertTooManyAsync(await SignInFromAsync(app, "10.0.0.3", user, MonitorAppFactory.Password));

        var locked = await app.App.WithDbAsync(db => db.AuditEvents.AsNoTracking().SingleAsync(e => e.Action == AuditActions.LockedOut));
        Assert.Equal(user, locked.Actor);
        Assert.Equal(4, await app.App.WithDbAsync(db => db.AuditEvents.CountAsync(e => e.Action == AuditActions.SignInFailed && e.Target == user)));
    }
}
