using AngleSharp.Dom;
using System.Net;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>Two-factor sign-in with an authenticator app (TOTP): enrolment, signing in with a code or a recovery code, required for SUPER_ADMIN, reset by the CLI.</summary>
public sealed class MfaTests
{
    private static Task<IsolatedApp> StartAsync(bool requireForSuperAdmin = false) =>
        IsolatedApp.StartAsync(DatabaseProvider.Sqlite, new Dictionary<string, string?>
        {
            ["Auth:RequireMfaForSuperAdmin"] = requireForSuperAdmin ? "true" : "false",
            // Every sign-in here comes from one address: the sign-in limits are not what these tests are about.
            ["RateLimits:SignInsPerAddressPerMinute"] = "100",
            ["RateLimits:SignInsPerAccountAndAddress"] = "100",
            ["RateLimits:SignInsPerAccount"] = "1000",
        });

    /// <summary>Enrols the signed-in <paramref name="client"/>'s authenticator as a person does; returns the key and the recovery codes.</summary>
    internal static async Task<(string Key, List<string> RecoveryCodes)> EnrolAsync(HttpClient client, IsolatedApp app)
    {
        var page = await MonitorAppFactory.ParseAsync(await client.GetAsync("/account/mfa"));
        var key = page.QuerySelector("#mfa-key")!.TextContent.Trim();
        var qr = page.QuerySelector<AngleSharp.Html.Dom.IHtmlImageElement>("#mfa-qr")!;
        Assert.StartsWith("data:image/png;base64,", qr.Source); // drawn by the server: no script, allowed by the CSP
        Assert.Contains("written below", qr.AlternativeText);

        var wrong = await client.SubmitFormAsync(page, "main form", new()
        {
            ["Code"] = "000000" == Totp.Code(key, app.Time.GetUtcNow()) ? "111111" : "000000",
            ["CurrentPassword"] = MonitorAppFactory.Password,
        });
        Assert.Contains("not right", (await MonitorAppFactory.ParseAsync(wrong)).QuerySelector("[role=alert]")!.TextContent);

        // The right code without the current password binds nothing: a cookie left signed in is not enough.
        var noPassword = await client.SubmitFormAsync(page, "main form", new() { ["Code"] = Totp.Code(key, app.Time.GetUtcNow()), ["CurrentPassword"] = "not-the-password" });
        Assert.Equal(global::MonitorApp.Pages.Account.MfaModel.WrongPassword, (await MonitorAppFactory.ParseAsync(noPassword)).QuerySelector("[role=alert]")!.TextContent.Trim());

        var enrolled = await client.SubmitFormAsync(page, "main form", new() { ["Code"] = Totp.Code(key, app.Time.GetUtcNow()), ["CurrentPassword"] = MonitorAppFactory.Password });
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        // The code that enrolled is spent: the next sign-in waits for the next one.
        app.Time.Advance(TimeSpan.FromSeconds(OneUseAuthenticatorCodes.StepSeconds));
        Assert.True(enrolled.Headers.CacheControl!.NoStore);
        var codes = (await MonitorAppFactory.ParseAsync(enrolled)).QuerySelectorAll("#recovery-codes code").Select(c => c.TextContent.Trim()).ToList();
        Assert.Equal(10, codes.Count);
        return (key, codes);
    }

    private static async Task<HttpResponseMessage> SecondStepAsync(HttpClient client, HttpResponseMessage firstStep, string code)
    {
        Assert.Equal(HttpStatusCode.Redirect, firstStep.StatusCode);
        Assert.StartsWith("/login/mfa", firstStep.Headers.Location!.OriginalString);
        var form = await MonitorAppFactory.ParseAsync(await client.GetAsync(firstStep.Headers.Location));
        return await client.SubmitFormAsync(form, "main form", new() { ["Code"] = code });
    }

    [SkippableFact]
    public async Task AUserEnrols_ThenSignsInWithPasswordAndCode_OrOnceWithARecoveryCode()
    {
        await using var app = await StartAsync();
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var client = app.App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        var (key, recovery) = await EnrolAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/dashboard")).StatusCode); // this sign-in goes on

        // The password alone no longer signs in: it leads to the code.
        var next = app.App.CreateBrowserClient();
        var first = await MonitorAppFactory.LoginAsync(next, email, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, (await next.GetAsync("/admin/dashboard")).StatusCode);
        var wrong = await SecondStepAsync(next, first, "123456" == Totp.Code(key, app.Time.GetUtcNow()) ? "654321" : "123456");
        Assert.Equal(global::MonitorApp.Pages.Account.LoginMfaModel.WrongCode, (await MonitorAppFactory.ParseAsync(wrong)).QuerySelector("[role=alert]")!.TextContent.Trim());
        var signedIn = await SecondStepAsync(next, first, Totp.Code(key, app.Time.GetUtcNow()));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next.GetAsync("/admin/dashboard")).StatusCode);

        // A recovery code works once.
        var phoneLost = app.App.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await SecondStepAsync(phoneLost, await MonitorAppFactory.LoginAsync(phoneLost, email, MonitorAppFactory.Password), recovery[0])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phoneLost.GetAsync("/admin/dashboard")).StatusCode);
        var again = app.App.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.OK, (await SecondStepAsync(again, await MonitorAppFactory.LoginAsync(again, email, MonitorAppFactory.Password), recovery[0])).StatusCode);

        var actions = await app.App.WithDbAsync(db => db.AuditEvents.AsNoTracking().Where(e => e.Target == email).Select(e => e.Action + ":" + e.Outcome).ToListAsync());
        Assert.Contains($"{AuditActions.MfaEnrolled}:success", actions);
        Assert.Contains($"{AuditActions.MfaEnrolled}:failure", actions); // the enrolment without the password
        Assert.Equal(2, actions.Count(a => a == $"{AuditActions.SignInFailed}:failure")); // the wrong code, the spent recovery code
        // A recovery-code sign-in says so (the phone may be lost), with how many codes are left.
        Assert.Contains("password and recovery code (9 left)", await app.App.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Target == email && e.Action == AuditActions.SignIn).Select(e => e.Detail).ToListAsync()));
    }

    [SkippableFact]
    public async Task ACode_SignsInOnce_AndNeitherItNorAnEarlierOneAgain_WhileTheNextOneDoes()
    {
        await using var app = await StartAsync();
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var client = app.App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        var (key, _) = await EnrolAsync(client, app);

        async Task<HttpStatusCode> SignInAsync(DateTimeOffset codeAt)
        {
            var browser = app.App.CreateBrowserClient();
            return (await SecondStepAsync(browser, await MonitorAppFactory.LoginAsync(browser, email, MonitorAppFactory.Password), Totp.Code(key, codeAt))).StatusCode;
        }

        var now = app.Time.GetUtcNow();
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(now));
        // Seen over a shoulder and typed again within its half minute: refused.
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(now));
        // The step before is earlier than the one used; two steps away is outside the window either way.
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(now.AddSeconds(-OneUseAuthenticatorCodes.StepSeconds)));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(now.AddSeconds(2 * OneUseAuthenticatorCodes.StepSeconds)));
        // A phone a little ahead: the next step's code is accepted, once.
        Assert.Equal(HttpStatusCode.Redirect, await SignInAsync(now.AddSeconds(OneUseAuthenticatorCodes.StepSeconds)));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(now.AddSeconds(OneUseAuthenticatorCodes.StepSeconds)));
    }

    [SkippableFact]
    public async Task ASuperAdmin_MustEnrolBeforeAnythingElse_WhenRequired_AMonitorNeedNot()
    {
        await using var app = await StartAsync(requireForSuperAdmin: true);
        var admin = await app.App.CreateUserAsync(Roles.SuperAdmin);
        var client = app.App.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(client, admin, MonitorAppFactory.Password)).StatusCode);
        foreach (var path in new[] { "/admin/dashboard", "/admin/users", "/admin/audit" })
        {
            var refused = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal("/account/mfa", refused.Headers.Location!.OriginalString);
        }
        Assert.Contains("SUPER_ADMIN signs in with an authenticator", (await MonitorAppFactory.ParseAsync(await client.GetAsync("/account/mfa"))).QuerySelector("[role=status]")!.TextContent);

        await EnrolAsync(client, app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);

        var monitor = await app.App.CreateClientAsAsync(Roles.SystemMonitor);
        Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task ResetMfa_OnTheCommandLine_EndsTheUsersSignIns_AndThePasswordAloneSignsInAgain()
    {
        await using var app = await StartAsync();
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var client = app.App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        await EnrolAsync(client, app);

        var reset = await CliRunner.RunAsync(app.App, "users", "reset-mfa", "--email", email);
        Assert.Equal(0, reset.Code);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/dashboard")).StatusCode);
        var fresh = app.App.CreateBrowserClient();
        var signedIn = await MonitorAppFactory.LoginAsync(fresh, email, MonitorAppFactory.Password);
        Assert.Equal("/", signedIn.Headers.Location!.OriginalString); // no second step
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/admin/dashboard")).StatusCode);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(email)}\s+SYSTEM_MONITOR\s+no\s+active", (await CliRunner.RunAsync(app.App, "users", "list")).Stdout);
    }
}
