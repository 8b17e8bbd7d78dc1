using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
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

    [SkippableFact]
    public async Task AnOverlongEmail_IsRefusedNamingTheField_AndTakesNoPlaceInAnyLimit()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits());
        var limits = app.App.Services.GetRequiredService<SignInLimits>();

        // Just over the field's limit: the sign-in page says which field and how long it may be, no attempt is counted.
        var response = await SignInFromAsync(app, "10.1.1.1", new string('a', 300) + "@test.local", "guess-guess-guess");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await MonitorAppFactory.ParseAsync(response);
        var summary = page.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("E-mail", summary);
        Assert.Contains("256", summary);
        Assert.Equal("256", page.QuerySelector("input[name='Input.Email']")!.GetAttribute("maxlength"));

        // Far over any form field's limit: refused before the form is bound.
        var huge = await SignInFromAsync(app, "10.1.1.2", new string('b', 1024 * 1024) + "@test.local", "guess-guess-guess");
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(0, limits.TrackedKeys);
    }

    [SkippableFact]
    public async Task TenThousandCallers_HoldNoMoreThanTheConfiguredNumberOfCounts_AndLockOutNobody()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits(("MaxTrackedKeys", "100"), ("SignInsPerAddressPerMinute", "3")));
        var limits = app.App.Services.GetRequiredService<SignInLimits>();
        var user = await app.App.CreateUserAsync(Roles.SystemMonitor);
        for (var i = 0; i < 10_000; i++)
            limits.TryAttempt(new IPAddress([10, 1, (byte)(i >> 8), (byte)i]), $"someone-{i}@test.local");
        Assert.InRange(limits.TrackedKeys, 1, 100);

        // The flood locks out nobody it does not name: a newcomer has its own allowance, the user signs in.
        Assert.Null(limits.TryAttempt(IPAddress.Parse("10.200.0.1"), null));
        Assert.Equal(HttpStatusCode.Redirect, (await SignInFromAsync(app, "10.9.9.9", user, MonitorAppFactory.Password)).StatusCode);
        // And a full table still counts: an address that uses up its allowance is refused.
        for (var i = 0; i < 2; i++)
            Assert.Null(limits.TryAttempt(IPAddress.Parse("10.200.0.1"), null));
        Assert.NotNull(limits.TryAttempt(IPAddress.Parse("10.200.0.1"), null));

        // Once the windows pass, their counts are dropped as soon as room is needed.
        app.Time.Advance(TimeSpan.FromMinutes(16));
        for (var i = 0; i < 10; i++)
            limits.TryAttempt(new IPAddress([10, 3, 0, (byte)i]), $"later-{i}@test.local");
        Assert.InRange(limits.TrackedKeys, 1, 10); // the table filled, and the first newcomer to find it full swept the expired
        Assert.Null(limits.TryAttempt(IPAddress.Parse("10.200.0.1"), null)); // its minute is long over
    }

    [SkippableFact]
    public async Task AnIpv6Client_IsCountedByIts64_WhateverAddressInsideItUses()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite,
            new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "10.0.0.0/8", ["RateLimits:SignInsPerAddressPerMinute"] = "3" });
        for (var i = 1; i <= 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, $"2001:db8:1:2::{i:x}", $"someone-{i}@test.local", "guess-guess-guess")).StatusCode);
        await AssertTooManyAsync(await SignInFromAsync(app, "2001:db8:1:2:ffff:ffff:ffff:ffff", "someone-else@test.local", "guess-guess-guess"));
        // The next /64 is another subscriber.
        Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, "2001:db8:1:3::1", "someone-else@test.local", "guess-guess-guess")).StatusCode);
    }

    [SkippableFact]
    public async Task WhileOthersHaveTheAccountLocked_ABrowserThatSignedInToItBefore_StillSignsIn()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, Limits(("SignInsPerAccountAndAddress", "2"), ("SignInsPerAccount", "5")));
        var admin = await app.App.CreateUserAsync(Roles.SuperAdmin);
        // The administrator's own browser signs in once (from home), and is known for the account from then on.
        var own = app.App.CreateBrowserClient();
        own.DefaultRequestHeaders.Add("X-Forwarded-For", "10.5.5.5");
        var first = await MonitorAppFactory.LoginAsync(own, admin, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var device = first.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(KnownDevices.CookieName + "=", StringComparison.Ordinal)).Split(';')[0];
        // The same browser later: its sign-in over (cookies gone but this one), somewhere else.
        own = app.App.CreateBrowserClient();
        own.DefaultRequestHeaders.Add("Cookie", device);

        // Guesses from two other addresses (with that sign-in, the account's five) lock the account for everyone else…
        foreach (var address in new[] { "10.0.0.1", "10.0.0.2" })
        {
            for (var i = 0; i < 2; i++)
                Assert.Equal(HttpStatusCode.OK, (await SignInFromAsync(app, address, admin, "guess-guess-guess")).StatusCode);
        }
        await AssertTooManyAsync(await SignInFromAsync(app, "10.0.0.3", admin, MonitorAppFactory.Password));
        // …but not for the browser that signed in before, wherever it is now.
        own.DefaultRequestHeaders.Add("X-Forwarded-For", "10.6.6.6");
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(own, admin, MonitorAppFactory.Password)).StatusCode);
        // A copied device cookie buys no more guesses than one address has (SignInsPerAccountAndAddress, 2): then the
        // account-wide limit applies to it too.
        var copied = app.App.CreateBrowserClient();
        copied.DefaultRequestHeaders.Add("Cookie", device);
        copied.DefaultRequestHeaders.Add("X-Forwarded-For", "10.7.7.7");
        Assert.Equal(HttpStatusCode.OK, (await MonitorAppFactory.LoginAsync(copied, admin, "guess-guess-guess")).StatusCode);
        await AssertTooManyAsync(await MonitorAppFactory.LoginAsync(copied, admin, "guess-guess-guess"));

        own = app.App.CreateBrowserClient();
        own.DefaultRequestHeaders.Add("Cookie", device);
        own.DefaultRequestHeaders.Add("X-Forwarded-For", "10.6.6.7");

        // A device cookie is for its account only: it opens nothing for another one.
        var other = await app.App.CreateUserAsync(Roles.SystemMonitor);
        foreach (var address in new[] { "10.0.1.1", "10.0.1.2", "10.0.1.3" })
        {
            for (var i = 0; i < 2; i++)
                await SignInFromAsync(app, address, other, "guess-guess-guess");
        }
        await AssertTooManyAsync(await MonitorAppFactory.LoginAsync(own, other, MonitorAppFactory.Password));
    }
}
