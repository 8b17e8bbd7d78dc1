using Microsoft.Extensions.DependencyInjection;
using AngleSharp.Dom;
using System.Net;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>Sign-ins are kept on the server: signing out ends every copy of the cookie, and idle and absolute timeouts end them by themselves.</summary>
public abstract class SignInSessionTests(DatabaseProvider provider)
{
    private const string Dashboard = "/admin/dashboard";
    private const string Cards = "/admin/dashboard?handler=Cards";

    private static void AssertSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login", response.Headers.Location!.AbsolutePath);
    }

    private static void AssertPollSentToLogin(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("/login?ReturnUrl=", response.Headers.GetValues("HX-Redirect").Single());
    }

    [SkippableFact]
    public async Task SigningOut_EndsTheSessionOnTheServer_ACopiedCookieStopsWorkingAtOnce()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var cookie = await ManualCookies.SignInAsync(app.App, email);
        var owner = ManualCookies.CreateClient(app.App);
        var thief = ManualCookies.CreateClient(app.App);
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(thief, Dashboard, cookie)).StatusCode); // checked a moment ago: remembered

        // The owner signs out with the form of the page, as a browser does (its antiforgery cookie came with the page).
        var first = await ManualCookies.GetAsync(owner, Dashboard, cookie);
        var antiforgery = ManualCookies.CookiesOf(first).Single(c => c.StartsWith("monitor.af=", StringComparison.Ordinal));
        var page = await MonitorAppFactory.ParseAsync(first);
        var token = page.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("form[action='/logout'] input[name=__RequestVerificationToken]")!.Value;
        using var logout = new HttpRequestMessage(HttpMethod.Post, "/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        logout.Headers.Add("Cookie", $"{cookie}; {antiforgery}");
        Assert.Equal(HttpStatusCode.Redirect, (await owner.SendAsync(logout)).StatusCode);

        AssertSentToLogin(await ManualCookies.GetAsync(thief, Dashboard, cookie));
        AssertPollSentToLogin(await ManualCookies.GetAsync(thief, Cards, cookie, poll: true));
        var ended = await app.App.WithDbAsync(db => db.SignInSessions.AsNoTracking().SingleAsync(s => s.UserId == db.Users.Single(u => u.Email == email).Id));
        Assert.NotNull(ended.EndedAt);
    }

    [SkippableFact]
    public async Task TheIdleTimeout_IsNotExtendedByTheDashboardsOwnRefreshes_ButByWhatThePersonDoes()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Auth:IdleTimeoutMinutes"] = "10" });
        var watcher = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        var worker = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        var client = ManualCookies.CreateClient(app.App);

        // Minute 6: both polls answer (6 minutes idle).
        app.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, watcher, poll: true)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, worker, poll: true)).StatusCode);
        // Minute 9: the worker opens a page (activity); the watcher's dashboard only polls.
        app.Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, watcher, poll: true)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Dashboard, worker)).StatusCode);
        // Minute 11: the watcher has been idle 11 minutes, polls or not; the worker 2.
        app.Time.Advance(TimeSpan.FromMinutes(2));
        AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, watcher, poll: true));
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, worker, poll: true)).StatusCode);
        // Minute 18: the worker's last activity was at minute 9; at minute 20 it is more than 10 minutes ago.
        app.Time.Advance(TimeSpan.FromMinutes(7));
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, worker, poll: true)).StatusCode);
        app.Time.Advance(TimeSpan.FromMinutes(2));
        AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, worker, poll: true));
        AssertSentToLogin(await ManualCookies.GetAsync(client, Dashboard, worker)); // ended: activity now does not bring it back
    }

    [SkippableFact]
    public async Task AWallScreensAccount_HasNoIdleTimeout_AndItsOwnLifetime_WhileItIsReadOnly()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Auth:IdleTimeoutMinutes"] = "10",
            ["Auth:AbsoluteLifetimeHours"] = "1",
            ["Auth:WallScreenAccounts:0"] = "wall@test.local",
            ["Auth:WallScreenLifetimeHours"] = "3",
        });
        var screen = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor, "wall@test.local"));
        var person = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        var client = ManualCookies.CreateClient(app.App);
        for (var minutes = 0; minutes < 170; minutes += 30)
        {
            Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, screen, poll: true)).StatusCode);
            app.Time.Advance(TimeSpan.FromMinutes(30));
            if (minutes == 0)
                AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, person, poll: true)); // a person's dashboard left alone ends
        }
        AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, screen, poll: true)); // 3 hours: sign the screen in again

        // Made SUPER_ADMIN, the same account gets a person's limits.
        Assert.Equal(0, (await CliRunner.RunAsync(app.App, "users", "set-role", "--email", "wall@test.local", "--role", Roles.SuperAdmin)).Code);
        var admin = await ManualCookies.SignInAsync(app.App, "wall@test.local");
        app.Time.Advance(TimeSpan.FromMinutes(11));
        AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, admin, poll: true));
    }

    [SkippableFact]
    public async Task Retention_KeepsAWallScreensSession_AsLongAsItMayLive()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Auth:AbsoluteLifetimeHours"] = "1",
            ["Auth:WallScreenAccounts:0"] = "wall@test.local",
            ["Auth:WallScreenLifetimeHours"] = "48",
        });
        var screen = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor, "wall@test.local"));
        var person = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        app.Time.Advance(TimeSpan.FromHours(30)); // past a person's lifetime and a day, well within the screen's

        await app.App.Services.GetRequiredService<Retention>().PruneAsync(CancellationToken.None);
        var client = ManualCookies.CreateClient(app.App);
        Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Cards, screen, poll: true)).StatusCode);
        AssertPollSentToLogin(await ManualCookies.GetAsync(client, Cards, person, poll: true));
    }

    [SkippableFact]
    public async Task TheAbsoluteLifetime_EndsASignInHoweverBusy()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Auth:AbsoluteLifetimeHours"] = "1" });
        var cookie = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        var client = ManualCookies.CreateClient(app.App);
        for (var minute = 20; minute < 60; minute += 20)
        {
            app.Time.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await ManualCookies.GetAsync(client, Dashboard, cookie)).StatusCode);
        }
        app.Time.Advance(TimeSpan.FromMinutes(20)); // minute 60
        AssertSentToLogin(await ManualCookies.GetAsync(client, Dashboard, cookie));
    }
}

public sealed class SqliteSignInSessionTests() : SignInSessionTests(DatabaseProvider.Sqlite);

public sealed class PostgresSignInSessionTests() : SignInSessionTests(DatabaseProvider.Postgres);
