using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Pages.Dashboard;

/// <summary>The providers card's history: 48 half hours and 30 days drawn from the stored checks, an outage where it happened.</summary>
public abstract class ProviderHistoryTests(DatabaseProvider provider, string? sessionTimeZone = null)
{
    private static readonly DateTime T0 = IsolatedApp.T0.UtcDateTime; // 12:00:30

    [SkippableFact]
    public async Task ASeededOutage_ShowsInTheHalfHoursAndTheDayItHappened_EveryOtherSegmentAsChecked()
    {
        await using var providers = await ProviderServer.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        // A database session in another time zone (one with a half-hour offset) must not move a check to another half hour.
        var connection = sessionTimeZone is null ? database.ConnectionString : $"{database.ConnectionString};Timezone={sessionTimeZone}";
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["ExternalServices:Services:livekit:Enabled"] = "true",
            ["ExternalServices:Services:livekit:Url"] = providers.Url("/statuspage/none"),
        }, TestDatabase.Existing(provider, connection));
        await app.App.Services.GetRequiredService<ExternalServiceProber>().FirstRound; // one check at T0, operational

        // Checks every 10 minutes for the last 24 hours but one silent half hour; down from 07:00 to 07:59 (two half hours);
        // and three days ago, a down check among good ones.
        var checks = new List<ServiceCheck>();
        for (var at = T0.AddHours(-24).AddMinutes(10); at < T0.AddMinutes(-1); at = at.AddMinutes(10))
        {
            if (at >= T0.Date.AddHours(3) && at < T0.Date.AddHours(3).AddMinutes(30))
                continue; // 03:00–03:30: nobody probed
            var down = at >= T0.Date.AddHours(7) && at < T0.Date.AddHours(8);
            checks.Add(Check(at, down ? ServiceStatus.Down : ServiceStatus.Operational, down ? null : 120 + at.Minute));
        }
        checks.Add(Check(T0.Date.AddDays(-3).AddHours(9), ServiceStatus.Operational, 100));
        checks.Add(Check(T0.Date.AddDays(-3).AddHours(10), ServiceStatus.Down, null));
        await app.App.WithDbAsync(db => { db.ServiceChecks.AddRange(checks); return db.SaveChangesAsync(); });
        await app.RefreshAsync();

        var page = await MonitorAppFactory.ParseAsync(await (await app.App.CreateClientAsAsync(Roles.SystemMonitor)).GetAsync("/admin/dashboard"));
        var segments = page.QuerySelectorAll("#card-external .history[data-service=livekit] .strip-48 li")
            .Select(li => (From: DateTime.Parse(li.GetAttribute("data-from")!, null, System.Globalization.DateTimeStyles.RoundtripKind), Status: li.GetAttribute("data-status"), Label: li.TextContent))
            .ToList();
        Assert.Equal(48, segments.Count);
        Assert.Equal(T0.Date.AddHours(12).AddHours(-23.5), segments[0].From); // 12:30 yesterday … the half hour now is in
        Assert.Equal(T0.Date.AddHours(12), segments[^1].From);
        Assert.Equal([T0.Date.AddHours(7), T0.Date.AddHours(7.5)], segments.Where(s => s.Status == ServiceStatus.Down).Select(s => s.From));
        Assert.Equal([T0.Date.AddHours(3)], segments.Where(s => s.Status == ServiceHistory.NoChecks).Select(s => s.From));
        Assert.All(segments.Where(s => s.Status is not (ServiceStatus.Down or ServiceHistory.NoChecks)), s => Assert.Equal(ServiceStatus.Operational, s.Status));
        var outage = segments.Single(s => s.From == T0.Date.AddHours(7));
        Assert.Contains("07:00–07:30 UTC: down, 3 check(s), no answer", outage.Label);
        Assert.Contains("10:30–11:00 UTC: operational, 3 check(s), worst latency 170 ms", segments.Single(s => s.From == T0.Date.AddHours(10.5)).Label);

        var days = page.QuerySelectorAll("#card-external .history[data-service=livekit] .strip-30 li").ToList();
        Assert.Equal(30, days.Count);
        Assert.Equal(T0.Date.AddDays(-29).ToString("yyyy-MM-dd"), days[0].GetAttribute("data-day"));
        Assert.Contains($"{T0.Date.AddDays(-3):yyyy-MM-dd}: 50 % up, 2 check(s), 1 down", days[^4].TextContent);
        Assert.Contains("seg-bad", days[^4].ClassName);
        Assert.Contains("no check", days[0].TextContent);
        // The latency trend breaks where nothing answered (the outage) and where nobody checked: three stretches.
        var trend = page.QuerySelector("#card-external .history[data-service=livekit] svg.trend path.trend-line")!.GetAttribute("d")!;
        Assert.Equal(3, trend.Count(ch => ch == 'M'));

        // The JSON carries the same history.
        var json = await app.GetJsonAsync("/api/admin/metrics/external-services");
        var history = json.GetProperty("services").GetProperty("livekit").GetProperty("history");
        Assert.Equal(48, history.GetProperty("last_24h").GetArrayLength());
        Assert.Equal("down", history.GetProperty("last_24h")[(int)((T0.Date.AddHours(7) - segments[0].From) / TimeSpan.FromMinutes(30))].GetProperty("status").GetString());
        Assert.Equal(30, history.GetProperty("last_30_days").GetArrayLength());
    }

    private static ServiceCheck Check(DateTime at, string status, int? latency) => new()
    {
        Service = "livekit", CheckedAt = at, Result = status, Status = status, StatusSince = at, LatencyMs = latency, Detail = status,
    };
}

public sealed class SqliteProviderHistoryTests() : ProviderHistoryTests(DatabaseProvider.Sqlite);

public sealed class PostgresProviderHistoryTests() : ProviderHistoryTests(DatabaseProvider.Postgres);

public sealed class PostgresInAnotherTimeZoneProviderHistoryTests() : ProviderHistoryTests(DatabaseProvider.Postgres, "Asia/Kolkata");

public sealed class ProviderHistoryStylesTests
{
    [SkippableFact]
    public void TheStripsGridColumns_MatchTheNumberOfSegmentsAndDays()
    {
        // The stylesheet must lay out as many columns as the strips have segments: a copy that a test keeps in step.
        var css = File.ReadAllText(Path.Combine(Repository.Root, "MonitorApp", "wwwroot", "css", "site.css"));
        Assert.Contains($".strip-48 {{ grid-template-columns: repeat({ServiceHistory.Segments}, 1fr); }}", css);
        Assert.Contains($".strip-30 {{ grid-template-columns: repeat({ServiceHistory.Days}, 1fr); }}", css);
    }
}
