using System.Net.Http.Headers;
using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using MonitorApp.Alerts;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.E2E;

/// <summary>Alerts in the browser: the card shows a firing alert, a SUPER_ADMIN silences it there, the events card lists it.</summary>
public sealed class AlertsTests(SqliteBrowserFixture fixture) : IClassFixture<SqliteBrowserFixture>
{
    [SkippableFact]
    public async Task AFiringAlertShows_ASuperAdminSilencesItFromTheCard_AndTheEventsCardListsIt()
    {
        var browser = fixture.Browser;
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string?>
        {
            ["Alerts:EvaluateSeconds"] = "1",
            ["Alerts:Rules:error_rate_critical:For"] = "00:00:00",
            ["Metrics:SnapshotSeconds"] = "1",
            ["Dashboard:RefreshSeconds"] = "5",
        };
        foreach (var rule in AlertRules.All.Where(r => r.Name != AlertRules.ErrorRateCritical))
            settings[$"Alerts:Rules:{rule.Name}:Enabled"] = "false";
        await using var app = new MonitorAppFactory(database, settings);
        var baseUrl = BrowserFixture.StartOnKestrel(app);
        var email = await app.CreateUserAsync(Roles.SuperAdmin);

        using var ingest = new HttpClient { BaseAddress = new Uri(baseUrl) };
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await app.CreateTokenAsync(Roles.Ingest));
        var at = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
        var requests = Enumerable.Range(0, 20).Select(i => new { service = "platform-api", at, status = i % 2 == 0 ? 503 : 200, duration_ms = 30 });
        Assert.True((await ingest.PostAsJsonAsync("/api/ingest/requests", new { requests })).IsSuccessStatusCode);

        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 1200 } });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");

        // The card refreshes every 5 s; the rule fires at its first evaluation.
        var row = page.Locator("#card-alerts tr[data-alert=error_rate_critical]");
        await Assertions.Expect(row).ToContainTextAsync("Firing", new() { Timeout = 30_000 });
        await Assertions.Expect(row).ToContainTextAsync("error rate 50 %");
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Take(3).Select(n => n.Html.Length > 200 ? n.Html[..200] : n.Html))})").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));

        await row.GetByLabel("Why").FillAsync("known incident, vendor paged");
        await row.GetByLabel("For").SelectOptionAsync("240");
        await row.GetByRole(AriaRole.Button, new() { Name = "Silence" }).ClickAsync();

        await Assertions.Expect(row).ToContainTextAsync("Silenced until", new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("known incident, vendor paged");
        await Assertions.Expect(page.Locator("#card-events")).ToContainTextAsync($"error_rate_critical silenced by {email}", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("#card-events")).ToContainTextAsync("error_rate_critical firing");
        Assert.Empty(errors);
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "dashboard-alerts.png"), FullPage = true });
    }
}
