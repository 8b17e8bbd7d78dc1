using System.Net;
using System.Net.Http.Headers;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Pages.Admin;

/// <summary>The SUPER_ADMIN pages for users and API tokens, driven through their forms.</summary>
public sealed class AdminPagesTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private MonitorAppFactory App => fixture.App;

    [SkippableFact]
    public async Task AdminPages_AreForSuperAdminsOnly()
    {
        var monitor = await App.CreateClientAsAsync(Roles.SystemMonitor);
        foreach (var path in new[] { "/admin/users", "/admin/tokens" })
        {
            var refused = await monitor.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Contains("/access-denied", refused.Headers.Location!.OriginalString);
        }

        // A token administers nothing: the pages want a signed-in person, so a token is sent to sign in.
        var token = await App.CreateTokenClientAsync(Roles.SystemMonitor);
        foreach (var path in new[] { "/admin/users", "/admin/tokens" })
        {
            var refused = await token.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.Equal("/login", refused.Headers.Location!.AbsolutePath);
        }
    }

    [SkippableFact]
    public async Task SuperAdmin_AddsAUser_WhoSignsInWithThePasswordShownOnce_ThenChangesTheRole_ThenDisablesThem()
    {
        var admin = await App.CreateClientAsAsync(Roles.SuperAdmin);
        var email = $"new-{Guid.NewGuid():N}@test.local";
        var users = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/users"));

        var added = await admin.SubmitFormAsync(users, "form[action*='handler=Add']", new() { ["Add.Email"] = email, ["Add.Role"] = Roles.ContentManager });
        Assert.True(added.Headers.CacheControl!.NoStore);
        var page = await MonitorAppFactory.ParseAsync(added);
        var password = page.QuerySelector("#generated-password")!.TextContent.Trim();
        Assert.Equal("CONTENT_MANAGER", page.QuerySelector($"tr[data-user='{email}'] td")!.TextContent.Trim());
        Assert.Null((await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/users"))).QuerySelector("#generated-password")); // shown once

        var user = App.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(user, email, password)).StatusCode);
        Assert.Equal("/account/password", (await user.GetAsync("/admin/dashboard")).Headers.Location!.OriginalString); // someone else saw it: change it first
        var form = await MonitorAppFactory.ParseAsync(await user.GetAsync("/account/password"));
        password = "a password only they know";
        await user.SubmitFormAsync(form, "main form", new() { ["Input.CurrentPassword"] = page.QuerySelector("#generated-password")!.TextContent.Trim(), ["Input.NewPassword"] = password, ["Input.ConfirmPassword"] = password });
        Assert.Equal("/access-denied", (await user.GetAsync("/admin/dashboard")).Headers.Location!.AbsolutePath); // a content manager

        var changed = await admin.SubmitFormAsync(page, $"tr[data-user='{email}'] form[action*='handler=SetRole']", new() { ["role"] = Roles.SystemMonitor });
        var changedPage = await MonitorAppFactory.ParseAsync(changed);
        Assert.Contains($"{email} is now SYSTEM_MONITOR", changedPage.QuerySelector("[role=status]")!.TextContent);
        Assert.Null(changedPage.QuerySelector(".validation-summary")); // no complaint about the add form's empty fields
        Assert.Equal(HttpStatusCode.Redirect, (await user.GetAsync("/admin/dashboard")).StatusCode); // a role change ends the old sign-in…
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(user, email, password)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync("/admin/dashboard")).StatusCode); // …and the next one has the new role

        var disabled = await admin.SubmitFormAsync(changedPage, $"tr[data-user='{email}'] form[action*='handler=Disable']", new());
        var afterDisable = await MonitorAppFactory.ParseAsync(disabled);
        Assert.Equal("disabled", afterDisable.QuerySelectorAll($"tr[data-user='{email}'] td")[1].TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, (await user.GetAsync("/admin/dashboard")).StatusCode); // signed out at the next request
    }

    [SkippableFact]
    public async Task AddingAUserTwice_OrWithABadEmail_SaysWhy_AndKeepsEveryoneElse()
    {
        var admin = await App.CreateClientAsAsync(Roles.SuperAdmin);
        var existing = await App.CreateUserAsync(Roles.SystemMonitor);
        var users = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/users"));

        var twice = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(users, "form[action*='handler=Add']", new() { ["Add.Email"] = existing }));
        Assert.Contains($"a user with e-mail '{existing}' already exists", twice.QuerySelector(".validation-summary")!.TextContent);
        Assert.Null(twice.QuerySelector("#generated-password"));

        var bad = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(users, "form[action*='handler=Add']", new() { ["Add.Email"] = "not-an-address" }));
        Assert.Contains("E-mail", bad.QuerySelector(".validation-summary")!.TextContent);
        Assert.NotNull(bad.QuerySelector($"tr[data-user='{existing}']"));
    }

    [SkippableFact]
    public async Task SuperAdmin_CannotDisableOrDemoteThemselves()
    {
        var admin = await App.CreateClientAsAsync(Roles.SuperAdmin);
        var page = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/users"));
        var self = page.QuerySelector(".site-header .who")!.FirstChild!.TextContent.Trim();
        Assert.Null(page.QuerySelector($"tr[data-user='{self}'] form")); // no buttons for yourself…
        var forged = await admin.PostAsync("/admin/users?handler=Disable", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = self,
            ["__RequestVerificationToken"] = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        Assert.Contains("You cannot disable your own account.", await forged.Content.ReadAsStringAsync()); // …and the server refuses a forged post
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/users")).StatusCode);
    }

    [SkippableFact]
    public async Task SuperAdmin_CreatesATokenShownOnce_ThatWorks_ThenRevokesIt()
    {
        var admin = await App.CreateClientAsAsync(Roles.SuperAdmin);
        var name = $"ui-{Guid.NewGuid():N}";
        var tokens = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/tokens"));

        var created = await admin.SubmitFormAsync(tokens, "form[action*='handler=Create']", new() { ["Create.Name"] = name, ["Create.Role"] = Roles.SystemMonitor });
        Assert.True(created.Headers.CacheControl!.NoStore);
        var page = await MonitorAppFactory.ParseAsync(created);
        var secret = page.QuerySelector("#token-secret")!.TextContent.Trim();
        Assert.StartsWith("mon_", secret);
        Assert.DoesNotContain(secret, await (await admin.GetAsync("/admin/tokens")).Content.ReadAsStringAsync());

        var api = App.CreateBrowserClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/admin/metrics/current")).StatusCode);

        var duplicate = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(page, "form[action*='handler=Create']", new() { ["Create.Name"] = name }));
        Assert.Contains($"a token named '{name}' already exists", duplicate.QuerySelector(".validation-summary")!.TextContent);

        var revoked = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(page, $"tr[data-token='{name}'] form", new()));
        Assert.StartsWith("revoked", revoked.QuerySelectorAll($"tr[data-token='{name}'] td")[4].TextContent.Trim());
        Assert.Null(revoked.QuerySelector(".validation-summary"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/admin/metrics/current")).StatusCode);
    }
}
