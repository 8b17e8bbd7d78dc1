using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using MonitorApp.Web;
using Npgsql;

namespace MonitorApp.Tests.Web;

/// <summary>Which failures mean "the database cannot be reached" (503, Retry-After) rather than a bug (500).</summary>
public sealed class DatabaseUnreachableTests
{
    [SkippableFact]
    public async Task APostgresServerThatIsNotThere_IsUnreachable()
    {
        await using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={AppProcess.FreePort()};Username=x;Timeout=2");
        var refused = await Assert.ThrowsAnyAsync<NpgsqlException>(() => connection.OpenAsync());
        Assert.True(DatabaseUnreachableHandler.IsUnreachable(new InvalidOperationException("wrapped", refused)));
    }

    [SkippableFact]
    public void ADataError_IsNotUnreachable()
    {
        Assert.False(DatabaseUnreachableHandler.IsUnreachable(new PostgresException("duplicate key", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation)));
        Assert.False(DatabaseUnreachableHandler.IsUnreachable(new SqliteException("constraint", 19)));
        Assert.True(DatabaseUnreachableHandler.IsUnreachable(new PostgresException("shutting down", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown)));
    }

    [SkippableFact]
    public async Task BothIngestionRoutes_WhenTheSqliteFileIsGone_Answer503WithRetryAfter()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-gone-");
        var database = TestDatabase.Existing(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "monitor.db")};Pooling=False");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, database: database);
        var at = IsolatedApp.Iso(IsolatedApp.T0.AddMinutes(-1));
        await app.PostSessionEventsAsync(new { session_id = "warm", type = "started", at, category = "Career", provider = "livekit" }); // the token is verified
        directory.Delete(recursive: true);

        foreach (var (route, body) in new (string, object)[]
        {
            ("/api/ingest/session-events", new { events = new[] { new { session_id = "s", type = "started", at, category = "Career", provider = "livekit" } } }),
            ("/api/ingest/requests", new { requests = new[] { new { service = "api", at, status = 200, duration_ms = 5 } } }),
        })
        {
            var response = await app.Ingest.PostAsJsonAsync(route, body);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("5", response.Headers.GetValues("Retry-After").Single());
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [SkippableFact]
    public async Task ARevokedToken_IsRefused_AlsoWhileTheDatabaseIsUnreachable_WhileAnotherVerifiedOneIsServed()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-gone-");
        var database = TestDatabase.Existing(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "monitor.db")};Pooling=False");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, database: database);
        var revoked = app.App.CreateBrowserClient();
        revoked.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await app.App.CreateTokenAsync(MonitorApp.Auth.Roles.SystemMonitor, "soon-revoked"));
        Assert.Equal(HttpStatusCode.OK, (await revoked.GetAsync("/api/admin/metrics/current")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode);
        await using (var scope = app.App.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<MonitorApp.Auth.ApiTokenService>().RevokeAsync("soon-revoked", CancellationToken.None);
        directory.Delete(recursive: true);
        app.Time.Advance(TimeSpan.FromSeconds(11)); // past the 10 seconds a verification is trusted without asking

        Assert.Equal(HttpStatusCode.Unauthorized, (await revoked.GetAsync("/api/admin/metrics/current")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode); // "database unreachable", from a token verified before
    }

    [SkippableFact]
    public async Task SigningOut_WhileTheDatabaseIsUnreachable_StillEndsTheSignIn_ForACopiedCookieToo_AndOnEveryInstanceOnceItIsBack()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-gone-");
        var away = directory.FullName + "-away";
        var database = TestDatabase.Existing(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "monitor.db")};Pooling=False");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, database: database);
        var cookie = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(MonitorApp.Auth.Roles.SystemMonitor));
        var owner = ManualCookies.CreateClient(app.App);
        var first = await ManualCookies.GetAsync(owner, "/admin/dashboard", cookie);
        var antiforgery = ManualCookies.CookiesOf(first).Single(c => c.StartsWith("monitor.af=", StringComparison.Ordinal));
        var token = (await MonitorAppFactory.ParseAsync(first)).QuerySelector("form[action='/logout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        Directory.Move(directory.FullName, away); // the database is gone for now
        app.Time.Advance(TimeSpan.FromSeconds(11)); // past the 10 seconds a check is trusted without asking

        using var logout = new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }) };
        logout.Headers.Add("Cookie", $"{cookie}; {antiforgery}");
        var signedOut = await owner.SendAsync(logout);
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode); // not a 500
        Assert.Equal("/login", signedOut.Headers.Location!.OriginalString);
        var copied = await ManualCookies.GetAsync(ManualCookies.CreateClient(app.App), "/admin/dashboard", cookie);
        Assert.Equal(HttpStatusCode.Redirect, copied.StatusCode);
        Assert.Equal("/login", copied.Headers.Location!.AbsolutePath);

        // The database comes back: the end is written (the next round of the writer), and another instance, which never
        // heard of the sign-out, refuses the copied cookie too.
        Directory.Move(away, directory.FullName);
        await app.App.Services.GetRequiredService<MonitorApp.Auth.PendingSignOuts>().WriteDueAsync(CancellationToken.None);
        Assert.NotNull(await app.App.WithDbAsync(db => db.SignInSessions.AsNoTracking().Select(s => s.EndedAt).SingleAsync()));
        await using var other = new MonitorAppFactory(database, null, app.Time);
        var elsewhere = await ManualCookies.GetAsync(ManualCookies.CreateClient(other), "/admin/dashboard", cookie);
        Assert.Equal(HttpStatusCode.Redirect, elsewhere.StatusCode);
        Assert.Equal("/login", elsewhere.Headers.Location!.AbsolutePath);
        directory.Delete(recursive: true);
    }

    [SkippableFact]
    public async Task ASignInOrTokenThisInstanceNeverChecked_Gets503WithRetryAfter_WhileTheDatabaseIsUnreachable_ButCanSignOut()
    {
        var directory = Directory.CreateTempSubdirectory("monitor-gone-");
        var away = directory.FullName + "-away";
        var database = TestDatabase.Existing(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(directory.FullName, "monitor.db")};Pooling=False");
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, database: database);
        var cookie = await ManualCookies.SignInAsync(app.App, await app.App.CreateUserAsync(Roles.SystemMonitor));
        var token = await app.App.CreateTokenAsync(Roles.SystemMonitor);
        // Another instance on the same database, which has seen neither.
        await using var other = new MonitorAppFactory(database, null, app.Time);
        _ = other.Server;
        Directory.Move(directory.FullName, away);
        try
        {
            var page = await ManualCookies.GetAsync(ManualCookies.CreateClient(other), "/admin/dashboard", cookie);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
            Assert.True(int.Parse(page.Headers.GetValues("Retry-After").Single()) > 0);
            var api = other.CreateBrowserClient();
            api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var answer = await api.GetAsync("/api/admin/metrics/current");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
            Assert.True(int.Parse(answer.Headers.GetValues("Retry-After").Single()) > 0);

            // Signing out there still works (the sign-in page and sign-out need no check)…
            var browser = ManualCookies.CreateClient(other);
            var login = await ManualCookies.GetAsync(browser, "/login", cookie);
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
            var antiforgery = ManualCookies.CookiesOf(login).Single(c => c.StartsWith("monitor.af=", StringComparison.Ordinal));
            var form = (await MonitorAppFactory.ParseAsync(login)).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            using var logout = new HttpRequestMessage(HttpMethod.Post, "/logout") { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = form }) };
            logout.Headers.Add("Cookie", $"{cookie}; {antiforgery}");
            var signedOut = await browser.SendAsync(logout);
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        }
        finally
        {
            Directory.Move(away, directory.FullName);
        }
        // …and once the database is back, the sign-out is written: the instance that knew the sign-in refuses it too.
        await other.Services.GetRequiredService<PendingSignOuts>().WriteDueAsync(CancellationToken.None);
        app.Time.Advance(TimeSpan.FromSeconds(11)); // past what it trusts without asking
        var after = await ManualCookies.GetAsync(ManualCookies.CreateClient(app.App), "/admin/dashboard", cookie);
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/login", after.Headers.Location!.AbsolutePath);
        directory.Delete(recursive: true);
    }
}
