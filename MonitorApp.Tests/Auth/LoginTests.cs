using System.Net;
using AngleSharp.Dom;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

public abstract class LoginTests(AppFixture fixture)
{
    [SkippableFact]
    public async Task Login_WithCorrectPassword_RedirectsToReturnUrlAndSignsIn()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.SystemMonitor);
        var client = app.CreateBrowserClient();

        var challenge = await client.GetAsync("/admin/dashboard");
        var loginPage = await MonitorAppFactory.ParseAsync(await client.GetAsync(challenge.Headers.Location));
        Assert.NotNull(loginPage.QuerySelector("input[name=__RequestVerificationToken]"));

        var response = await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var dashboard = await client.GetAsync("/admin/dashboard");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        var header = (await MonitorAppFactory.ParseAsync(dashboard)).QuerySelector(".who")!.TextContent;
        Assert.Contains(email, header);
        Assert.Contains(Roles.SystemMonitor, header);
    }

    [SkippableFact]
    public async Task Login_WithoutAntiforgeryToken_IsRefused()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.SystemMonitor);
        var client = app.CreateBrowserClient();
        var response = await client.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = MonitorAppFactory.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task Login_WithWrongPassword_ShowsAnErrorWithoutSayingWhetherTheUserExists()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.SystemMonitor);
        var wrong = await MonitorAppFactory.LoginAsync(app.CreateBrowserClient(), email, "not-the-password");
        var unknown = await MonitorAppFactory.LoginAsync(app.CreateBrowserClient(), "nobody@test.local", "not-the-password");

        var wrongText = (await MonitorAppFactory.ParseAsync(wrong)).QuerySelector("[role=alert]")!.TextContent.Trim();
        var unknownText = (await MonitorAppFactory.ParseAsync(unknown)).QuerySelector("[role=alert]")!.TextContent.Trim();
        Assert.Equal("Wrong e-mail or password.", wrongText);
        Assert.Equal(wrongText, unknownText);
    }

    [SkippableFact]
    public async Task Login_AfterFiveFailures_LocksTheAccountEvenForTheRightPassword()
    {
        var app = fixture.App;
        var email = await app.CreateUserAsync(Roles.SuperAdmin);
        var client = app.CreateBrowserClient();
        for (var i = 0; i < 4; i++)
        {
            var failed = await MonitorAppFactory.LoginAsync(client, email, $"wrong-{i}");
            Assert.Contains("Wrong e-mail or password", (await MonitorAppFactory.ParseAsync(failed)).QuerySelector("[role=alert]")!.TextContent);
        }
        var fifth = await MonitorAppFactory.LoginAsync(client, email, "wrong-5");
        Assert.Contains("locked", (await MonitorAppFactory.ParseAsync(fifth)).QuerySelector("[role=alert]")!.TextContent);

        var right = await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains("locked", (await MonitorAppFactory.ParseAsync(right)).QuerySelector("[role=alert]")!.TextContent);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task Logout_IsAPostWithAntiforgery_AndEndsTheSession()
    {
        var app = fixture.App;
        var client = await app.CreateClientAsAsync(Roles.SystemMonitor);
        var dashboard = await MonitorAppFactory.ParseAsync(await client.GetAsync("/admin/dashboard"));
        var form = dashboard.QuerySelector<AngleSharp.Html.Dom.IHtmlFormElement>("form[action='/logout']")!;
        var token = form.QuerySelector<AngleSharp.Html.Dom.IHtmlInputElement>("input[name=__RequestVerificationToken]")!.Value;

        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/logout")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/dashboard")).StatusCode); // a GET signs nobody out

        var response = await client.PostAsync("/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal("/login", response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/admin/dashboard")).StatusCode);
    }

    [SkippableFact]
    public async Task HomePage_SendsMonitorsToTheDashboard_AndOthersToLogin()
    {
        var app = fixture.App;
        Assert.Equal("/login", (await app.CreateBrowserClient().GetAsync("/")).Headers.Location!.OriginalString);
        var monitor = await app.CreateClientAsAsync(Roles.SystemMonitor);
        Assert.Equal("/admin/dashboard", (await monitor.GetAsync("/")).Headers.Location!.OriginalString);
    }

    [SkippableFact]
    public async Task HtmxRequest_WithoutLogin_Gets401AndHxRedirectToLogin()
    {
        var client = fixture.App.CreateBrowserClient();
        var response = await client.HtmxGetAsync("/admin/dashboard");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("/login?ReturnUrl=%2Fadmin%2Fdashboard", response.Headers.GetValues("HX-Redirect").Single());
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }
}

public sealed class SqliteLoginTests(SqliteAppFixture fixture) : LoginTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresLoginTests(PostgresAppFixture fixture) : LoginTests(fixture), IClassFixture<PostgresAppFixture>;
