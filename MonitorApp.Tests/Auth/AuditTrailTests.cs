using Microsoft.EntityFrameworkCore;
using AngleSharp.Dom;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>The audit trail: what happened to access, by whom, to whom, from where; on a page, in the API and on the command line. Never a secret.</summary>
public abstract class AuditTrailTests(DatabaseProvider provider)
{
    [SkippableFact]
    public async Task EveryAccessChange_IsRecorded_WithActorTargetAndAddress_AndNoSecret()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "10.0.0.0/8" });
        var admin = app.App.CreateBrowserClient();
        admin.DefaultRequestHeaders.Add("X-Forwarded-For", "10.9.9.9");
        var adminEmail = await app.App.CreateUserAsync(Roles.SuperAdmin);
        await MonitorAppFactory.LoginAsync(admin, adminEmail, "a-wrong-password-here");
        await MonitorAppFactory.LoginAsync(admin, adminEmail, MonitorAppFactory.Password);

        // Through the pages: add a user (generated password), change the role, create and revoke a token, disable the user.
        var users = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/users"));
        var email = $"audited-{Guid.NewGuid():N}@test.local";
        var added = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(users, "form[action*='handler=Add']", new() { ["Add.Email"] = email, ["Add.Role"] = Roles.ContentManager }));
        var password = added.QuerySelector("#generated-password")!.TextContent.Trim();
        var changed = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(added, $"tr[data-user='{email}'] form[action*='handler=SetRole']", new() { ["role"] = Roles.SystemMonitor }));
        await admin.SubmitFormAsync(changed, $"tr[data-user='{email}'] form[action*='handler=Disable']", new());
        var tokens = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/tokens"));
        var created = await MonitorAppFactory.ParseAsync(await admin.SubmitFormAsync(tokens, "form[action*='handler=Create']", new() { ["Create.Name"] = "audited-token", ["Create.Role"] = Roles.Ingest }));
        var secret = created.QuerySelector("#token-secret")!.TextContent.Trim();
        await admin.SubmitFormAsync(created, "tr[data-token='audited-token'] form[action*='handler=Revoke']", new());

        // The admin changes their own password; someone types a password into the e-mail box.
        var passwordForm = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/account/password"));
        await admin.SubmitFormAsync(passwordForm, "main form", new() { ["Input.CurrentPassword"] = MonitorAppFactory.Password, ["Input.NewPassword"] = "my own new passphrase", ["Input.ConfirmPassword"] = "my own new passphrase" });
        await MonitorAppFactory.LoginAsync(app.App.CreateBrowserClient(), "typed+the@password.here", "whatever-it-was");

        var response = await admin.GetAsync("/api/admin/audit");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl!.NoStore);
        var events = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("events").EnumerateArray().ToList();
        // Every text as decoded (the JSON escapes some characters a password may hold).
        var texts = events.SelectMany(e => e.EnumerateObject()).Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Value.GetString()!).ToList();
        foreach (var secretText in new[] { password, secret, MonitorAppFactory.Password, "a-wrong-password-here", "my own new passphrase", "whatever-it-was", "typed+the@password.here" })
            Assert.DoesNotContain(texts, t => t.Contains(secretText, StringComparison.Ordinal));

        string Row(string action, string? target) => events.Where(e => e.GetProperty("action").GetString() == action && (target is null || e.GetProperty("target").GetString() == target))
            .Select(e => $"{e.GetProperty("actor").GetString()}|{e.GetProperty("outcome").GetString()}|{e.GetProperty("address").GetString()}").FirstOrDefault() ?? $"no {action} for {target}";
        Assert.Equal($"{adminEmail}|failure|10.9.9.9", Row(AuditActions.SignInFailed, adminEmail));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.SignIn, adminEmail));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.UserAdded, email));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.RoleChanged, email));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.UserDisabled, email));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.TokenCreated, "token:audited-token"));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.TokenRevoked, "token:audited-token"));
        Assert.Equal($"{adminEmail}|success|10.9.9.9", Row(AuditActions.PasswordChanged, adminEmail));
        var unknown = Assert.Single(events, e => e.GetProperty("action").GetString() == AuditActions.SignInFailed && e.GetProperty("actor").GetString() == "unknown");
        Assert.Equal(JsonValueKind.Null, unknown.GetProperty("target").ValueKind); // what was typed is not kept
        Assert.Equal("unknown e-mail", unknown.GetProperty("detail").GetString());
        var times = events.Select(e => e.GetProperty("at").GetDateTime()).ToList();
        Assert.Equal(times.OrderDescending(), times); // newest first

        // Filtered by action and user; the page shows the same.
        var failures = JsonDocument.Parse(await admin.GetStringAsync($"/api/admin/audit?action=sign_in_failed&user={Uri.EscapeDataString(adminEmail)}")).RootElement.GetProperty("events");
        Assert.Equal(1, failures.GetArrayLength());
        var page = await MonitorAppFactory.ParseAsync(await admin.GetAsync($"/admin/audit?action=user_added&user={Uri.EscapeDataString(email)}"));
        var row = Assert.Single(page.QuerySelectorAll("#audit-events tbody tr"));
        Assert.Contains(email, row.TextContent);
        Assert.Equal("user_added", page.QuerySelector<AngleSharp.Html.Dom.IHtmlSelectElement>("select#action")!.Value);

        // The command line, as an operator on the server reads it.
        var cli = await CliRunner.RunAsync(app.App, "audit", "list", "--since", "24h", "--action", "token_revoked");
        Assert.Equal(0, cli.Code);
        Assert.Matches(@"token_revoked\s+success\s+\S+\s+token:audited-token\s+10\.9\.9\.9", cli.Stdout);
    }

    [SkippableFact]
    public async Task TheAuditApi_IsForASignedInSuperAdmin_PagesBy50_AndNamesABadFilter()
    {
        await using var app = await IsolatedApp.StartAsync(provider);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            for (var i = 0; i < 60; i++)
                await audit.RecordAsync(AuditActions.SignInFailed, AuditActions.Failure, target: $"guess-{i:D2}@test.local", actor: $"guess-{i:D2}@test.local");
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.App.CreateBrowserClient().GetAsync("/api/admin/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Monitor.GetAsync("/api/admin/audit")).StatusCode); // a token never reads it
        Assert.Equal(HttpStatusCode.Forbidden, (await (await app.App.CreateClientAsAsync(Roles.SystemMonitor)).GetAsync("/api/admin/audit")).StatusCode);

        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);
        var first = JsonDocument.Parse(await admin.GetStringAsync("/api/admin/audit?action=sign_in_failed")).RootElement;
        Assert.Equal(50, first.GetProperty("events").GetArrayLength());
        Assert.True(first.GetProperty("has_more").GetBoolean());
        Assert.Equal("guess-59@test.local", first.GetProperty("events")[0].GetProperty("target").GetString());
        var second = JsonDocument.Parse(await admin.GetStringAsync("/api/admin/audit?action=sign_in_failed&page=2")).RootElement;
        Assert.Equal(10, second.GetProperty("events").GetArrayLength());
        Assert.False(second.GetProperty("has_more").GetBoolean());
        Assert.Equal("guess-00@test.local", second.GetProperty("events")[9].GetProperty("target").GetString());

        // The page pages the same way; its "Older" link leads there.
        var pageOne = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/audit?action=sign_in_failed"));
        Assert.Equal(50, pageOne.QuerySelectorAll("#audit-events tbody tr").Length);
        var older = pageOne.QuerySelector("a[rel=next]")!.GetAttribute("href")!;
        var pageTwo = await MonitorAppFactory.ParseAsync(await admin.GetAsync(older));
        Assert.Equal(10, pageTwo.QuerySelectorAll("#audit-events tbody tr").Length);
        Assert.Contains("guess-00@test.local", pageTwo.QuerySelectorAll("#audit-events tbody tr").Last().TextContent);
        Assert.Null(pageTwo.QuerySelector("a[rel=next]"));

        var bad = await admin.GetAsync("/api/admin/audit?action=dance&page=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["action", "page"], errors.EnumerateObject().Select(e => e.Name).Order());
    }

    [SkippableFact]
    public async Task AuditEvents_AreKeptForTheRetentionDays()
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?> { ["Audit:RetentionDays"] = "2" });
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
            await audit.RecordAsync(AuditActions.SignOut, AuditActions.Success, target: "old@test.local");
            await audit.RecordAsync(AuditActions.SignOut, AuditActions.Success, target: "new@test.local");
        }
        // Dated back rather than waiting: two days and a minute ago, and one day ago.
        var now = app.Time.GetUtcNow().UtcDateTime;
        await app.App.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == "old@test.local").ExecuteUpdateAsync(u => u.SetProperty(e => e.At, now.AddDays(-2).AddMinutes(-1))));
        await app.App.WithDbAsync(db => db.AuditEvents.Where(e => e.Target == "new@test.local").ExecuteUpdateAsync(u => u.SetProperty(e => e.At, now.AddDays(-1))));

        await app.App.Services.GetRequiredService<Retention>().PruneAsync(CancellationToken.None);
        var left = await app.App.WithDbAsync(db => Task.FromResult(db.AuditEvents.Where(e => e.Action == AuditActions.SignOut).Select(e => e.Target).ToList()));
        Assert.Equal(["new@test.local"], left);
    }
}

public sealed class SqliteAuditTrailTests() : AuditTrailTests(DatabaseProvider.Sqlite);

public sealed class PostgresAuditTrailTests() : AuditTrailTests(DatabaseProvider.Postgres);
