using System.Net;
using AngleSharp.Html.Dom;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>/account/password: every user changes their own; length 12+, not the e-mail, not a common password; a generated one must be changed first.</summary>
public sealed class PasswordTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private MonitorAppFactory App => fixture.App;

    private static async Task<HttpResponseMessage> ChangeAsync(HttpClient client, string current, string chosen, string? again = null) =>
        await client.SubmitFormAsync(await MonitorAppFactory.ParseAsync(await client.GetAsync("/account/password")), "main form",
            new() { ["Input.CurrentPassword"] = current, ["Input.NewPassword"] = chosen, ["Input.ConfirmPassword"] = again ?? chosen });

    private static async Task<string> ErrorsAsync(HttpResponseMessage response) =>
        (await MonitorAppFactory.ParseAsync(response)).QuerySelector("[role=alert]")?.TextContent.Trim() ?? "";

    [SkippableFact]
    public async Task AUser_ChangesTheirPassword_WhichEndsTheirOtherSignIns_ButNotThisOne()
    {
        var email = await App.CreateUserAsync(Roles.SystemMonitor);
        var here = App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(here, email, MonitorAppFactory.Password);
        var elsewhere = App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(elsewhere, email, MonitorAppFactory.Password);

        Assert.Contains("current password is not right", await ErrorsAsync(await ChangeAsync(here, "not-my-password", "A-new-long-passphrase")));
        Assert.Contains("at least 12 characters", await ErrorsAsync(await ChangeAsync(here, MonitorAppFactory.Password, "short-one")));
        Assert.Contains("must not be your e-mail", await ErrorsAsync(await ChangeAsync(here, MonitorAppFactory.Password, email.ToUpperInvariant())));
        Assert.Contains("common passwords", await ErrorsAsync(await ChangeAsync(here, MonitorAppFactory.Password, "Password1234")));
        Assert.Contains("two new passwords differ", await ErrorsAsync(await ChangeAsync(here, MonitorAppFactory.Password, "A-new-long-passphrase", "Another-long-one")));

        // No composition rules: lower-case words and spaces are a fine password.
        var changed = await ChangeAsync(here, MonitorAppFactory.Password, "purple monkey dishwasher");
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Contains("Your password is changed", (await MonitorAppFactory.ParseAsync(changed)).QuerySelector("[role=status]")!.TextContent);

        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync("/admin/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await elsewhere.GetAsync("/admin/dashboard")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MonitorAppFactory.LoginAsync(App.CreateBrowserClient(), email, MonitorAppFactory.Password)).StatusCode); // the old one fails
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(App.CreateBrowserClient(), email, "purple monkey dishwasher")).StatusCode);
    }

    [SkippableFact]
    public async Task AGeneratedPassword_MustBeChangedBeforeAnythingElse()
    {
        var email = $"generated-{Guid.NewGuid():N}@test.local";
        var added = await CliRunner.RunAsync(App, "users", "add", "--email", email, "--role", Roles.SystemMonitor);
        var generated = AppProcess.GeneratedPassword(added.Stdout);
        var client = App.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(client, email, generated)).StatusCode);

        var dashboard = await client.GetAsync("/admin/dashboard");
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/account/password", dashboard.Headers.Location!.OriginalString);
        var poll = await client.HtmxGetAsync("/admin/dashboard?handler=Cards");
        Assert.Equal(HttpStatusCode.Unauthorized, poll.StatusCode);
        Assert.Equal("/account/password", poll.Headers.GetValues("HX-Redirect").Single());
        var api = await client.GetAsync("/api/admin/metrics/current");
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Contains("/account/password", await api.Content.ReadAsStringAsync());
        var page = await MonitorAppFactory.ParseAsync(await client.GetAsync("/account/password"));
        Assert.Contains("chosen for you", page.QuerySelector("[role=status]")!.TextContent);

        var changed = await ChangeAsync(client, generated, "a passphrase of my own");
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/dashboard")).StatusCode);
        var list = await CliRunner.RunAsync(App, "users", "list");
        Assert.DoesNotContain("must change", list.Stdout.Split('\n').Single(l => l.StartsWith(email, StringComparison.Ordinal)));
    }

    [SkippableFact]
    public async Task TheCommandLine_RefusesACommonPasswordToo()
    {
        var email = await App.CreateUserAsync(Roles.SystemMonitor);
        var refused = await CliRunner.RunWithInputAsync(App, "qwerty123456\n", "users", "set-password", "--email", email);
        Assert.Equal(1, refused.Code);
        Assert.Contains("common passwords", refused.Stderr);
    }
}
