using MonitorApp.Sessions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Metrics;
using MonitorApp.Telemetry;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.E2E;

/// <summary>Demo mode fills the dashboard by itself: what a new developer sees after <c>dotnet run</c>.</summary>
public sealed class DemoDashboardTests(SqliteBrowserFixture fixture) : IClassFixture<SqliteBrowserFixture>
{
    [SkippableFact]
    public async Task DemoMode_FillsEveryCard_IncludingADayOfErrorRateHistory()
    {
        var browser = fixture.Browser;
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        // The providers are played by a local server: one operational, one with a minor incident, one behind an API key.
        await using var providers = await ProviderServer.StartAsync();
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Demo:TickSeconds"] = "1",
            // How fast the local provider answers depends on how busy this machine is; latency rules are tested elsewhere.
            ["ExternalServices:DegradedLatencyMs"] = "60000",
            ["ExternalServices:TimeoutSeconds"] = "30",
            ["ExternalServices:Services:daily_co:Enabled"] = "true",
            ["ExternalServices:Services:daily_co:Url"] = providers.Url("/statuspage/none"),
            ["ExternalServices:Services:livekit:Enabled"] = "true",
            ["ExternalServices:Services:livekit:Url"] = providers.Url("/statuspage/minor"),
            ["ExternalServices:Services:beyond_presence:Enabled"] = "true",
            ["ExternalServices:Services:beyond_presence:Url"] = providers.Url("/needs-key"),
            ["ExternalServices:Services:beyond_presence:Headers:x-api-key"] = "test-key",
        }, environment: "Development");
        var baseUrl = BrowserFixture.StartOnKestrel(app);
        var email = await app.CreateUserAsync(Roles.SystemMonitor);

        await Eventually.HoldsAsync(async () =>
        {
            await app.Services.GetRequiredService<TelemetryFlusher>().FlushAsync(CancellationToken.None);
            return await app.WithDbAsync(db => db.Sessions.CountAsync(s => s.EndedAt == null)) >= 10
                && await app.WithDbAsync(db => db.RequestRollups.Select(r => r.Minute / 60).Distinct().CountAsync()) >= 24;
        }, TimeSpan.FromSeconds(30), "the demo produced 10 live sessions and a day of requests", TimeSpan.FromMilliseconds(250));
        await app.Services.GetRequiredService<ExternalServiceProber>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
        await app.Services.GetRequiredService<MetricsSnapshotService>().RefreshAsync(CancellationToken.None);

        await using var context = await browser.NewContextAsync(new() { BaseURL = baseUrl, ViewportSize = new() { Width = 1440, Height = 1000 } });
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");

        Assert.True(int.Parse((await page.Locator("#active-count").TextContentAsync())!) >= 10);
        await Assertions.Expect(page.Locator("#card-p95 .big")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d[\d,.]* ms$"));
        var hoursWithRequests = await page.EvaluateAsync<int>(
            "() => JSON.parse(document.querySelector('#card-error-chart canvas').dataset.chartData).points.filter(p => p.requests > 0).length");
        Assert.True(hoursWithRequests >= 24, $"{hoursWithRequests} hours with requests");
        await Assertions.Expect(page.Locator("#card-external tr[data-service=livekit]")).ToContainTextAsync("Degraded");
        await Assertions.Expect(page.Locator("#card-external tr[data-service=beyond_presence]")).ToContainTextAsync("Operational");
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserFixture.ArtifactsDirectory, "dashboard-demo.png"), FullPage = true });
    }
}
