using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Alerts;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Tests.Infrastructure;
using Npgsql;
using static MonitorApp.Tests.Alerts.AlertSteps;

namespace MonitorApp.Tests.Alerts;

/// <summary>The rules beyond the error rate: one alert per service that is down, the database itself, and configuration mistakes.</summary>
public sealed class AlertRulesTests
{
    private static Dictionary<string, string?> Only(AlertReceiver receiver, string rule, Dictionary<string, string?>? more = null)
    {
        var settings = Settings(receiver, more);
        foreach (var r in AlertRules.All)
            settings[$"Alerts:Rules:{r.Name}:Enabled"] = (r.Name == rule).ToString();
        settings[$"Alerts:Rules:{rule}:For"] = "00:00:00";
        settings[$"Alerts:Rules:{rule}:KeepFiringFor"] = "00:00:00";
        return settings;
    }

    [SkippableFact]
    public async Task ServiceDown_IsOneAlertPerService_NamingIt_AndProviderChangesAreInTheTimeline()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var providers = await ProviderServer.StartAsync();
        var settings = Only(receiver, AlertRules.ServiceDown, new()
        {
            ["ExternalServices:FailuresBeforeDown"] = "1",
            ["ExternalServices:Services:livekit:Enabled"] = "true",
            ["ExternalServices:Services:livekit:Url"] = providers.Url("/switch"),
            ["ExternalServices:Services:livekit:Kind"] = "http",
            ["ExternalServices:Services:daily_co:Enabled"] = "true",
            ["ExternalServices:Services:daily_co:Url"] = providers.Url("/statuspage/none"),
        });
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite, settings);
        var prober = app.App.Services.GetRequiredService<ExternalServiceProber>();
        await prober.FirstRound;
        await EvaluateAsync(app);

        providers.SwitchStatus = 500;
        app.Time.Advance(TimeSpan.FromMinutes(1)); // the next probe round
        await prober.CheckAllAsync(CancellationToken.None);
        await EvaluateAsync(app);
        await DeliverAsync(app);
        var firing = JsonDocument.Parse(Assert.Single(receiver.Bodies(Webhook))).RootElement;
        Assert.Equal(("service_down", "livekit", "firing"), (firing.GetProperty("rule").GetString(), firing.GetProperty("service").GetString(), firing.GetProperty("state").GetString()));

        providers.SwitchStatus = 200;
        app.Time.Advance(TimeSpan.FromMinutes(1));
        await prober.CheckAllAsync(CancellationToken.None);
        await EvaluateAsync(app);
        await DeliverAsync(app);
        Assert.Equal(["firing", "resolved"], receiver.Bodies(Webhook).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("state").GetString()));

        var timeline = (await app.GetJsonAsync("/api/admin/events?hours=24")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("summary").GetString()).Reverse().ToList();
        Assert.Contains("LiveKit unknown → operational", timeline);
        Assert.Contains("LiveKit operational → down", timeline);
        Assert.Contains("LiveKit down → operational", timeline);
        Assert.Contains("service_down livekit firing", timeline);
        Assert.DoesNotContain(timeline, t => t!.Contains("service_down daily_co"));
    }

    [SkippableFact]
    public async Task DatabaseUnreachable_IsSentWhileTheDatabaseIsDown_AndWrittenDownOnceItIsBack_WithoutASecondFiring()
    {
        var unavailable = PostgresCluster.Unavailable();
        TestEnvironment.Require(unavailable is null, $"this test stops and restarts a private cluster, but {unavailable}");
        var cluster = await PostgresCluster.StartAsync();
        try
        {
            await using var receiver = await AlertReceiver.StartAsync();
            var database = TestDatabase.Existing(DatabaseProvider.Postgres, cluster.ConnectionString);
            await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, Only(receiver, AlertRules.DatabaseUnreachable), database);
            var election = app.App.Services.GetRequiredService<LeaderElection>();
            await EvaluateAsync(app);

            await cluster.StopAsync();
            Assert.True((await app.RefreshAsync()).Stale);
            await app.App.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync(CancellationToken.None);
            var firing = JsonDocument.Parse(Assert.Single(receiver.Bodies(Webhook))).RootElement; // sent from memory: nothing to store it in
            Assert.Equal(("database_unreachable", "firing"), (firing.GetProperty("rule").GetString(), firing.GetProperty("state").GetString()));
            await app.App.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync(CancellationToken.None);
            Assert.Single(receiver.Bodies(Webhook)); // told once

            await cluster.ResumeAsync();
            await Eventually.HoldsAsync(async () => await election.IsElectedAsync(CancellationToken.None) && !(await app.RefreshAsync()).Stale,
                TimeSpan.FromSeconds(30), "elected with a fresh snapshot after the database came back", TimeSpan.FromMilliseconds(250));
            await EvaluateAsync(app);
            await DeliverAsync(app);
            Assert.Equal(["firing", "resolved"], receiver.Bodies(Webhook).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("state").GetString()));
            Assert.Equal(firing.GetProperty("fingerprint").GetString(), JsonDocument.Parse(receiver.Bodies(Webhook)[1]).RootElement.GetProperty("fingerprint").GetString());
            var stored = await app.App.WithDbAsync(db => db.AlertNotifications.Where(n => n.Channel == "hook").OrderBy(n => n.Id).Select(n => new { n.State, Delivered = n.DeliveredAt != null }).ToListAsync());
            Assert.Equal(["firing delivered", "resolved delivered"], stored.Select(n => $"{n.State} {(n.Delivered ? "delivered" : "due")}"));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await cluster.DestroyAsync();
        }
    }

    [SkippableTheory]
    [InlineData("Alerts:Rules:error_rate:Enabled", "true", "Alerts:Rules:error_rate is not a rule")]
    [InlineData("Alerts:Rules:p95_critical:For", "-00:01:00", "Alerts:Rules:p95_critical:For must be between")]
    [InlineData("Alerts:Channels:ops:Kind", "pager", "Alerts:Channels:ops:Kind must be one of webhook, slack, email")]
    [InlineData("Alerts:Channels:ops:Kind", "webhook", "Alerts:Channels:ops:Url must be an absolute http or https URL")]
    [InlineData("Alerts:Channels:ops:Kind", "email", "Alerts:Channels:ops:Host is required")]
    [InlineData("Alerts:EvaluateSeconds", "0", "Alerts:EvaluateSeconds must be between 1 and 300")]
    [InlineData("Alerts:DashboardUrl", "monitor.example", "Alerts:DashboardUrl must be an absolute")]
    public async Task AMistakeInAlertsConfiguration_StopsTheStart_NamingTheKey(string key, string value, string expected)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?> { [key] = value });
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains(expected, refused.ToString());
    }

    [SkippableFact]
    public async Task AnEmailChannelWithAUserButNoPassword_StopsTheStart_SayingWhereThePasswordGoes()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?>
        {
            ["Alerts:Channels:mail:Kind"] = "email", ["Alerts:Channels:mail:Host"] = "smtp.example", ["Alerts:Channels:mail:From"] = "a@example.test",
            ["Alerts:Channels:mail:To"] = "b@example.test", ["Alerts:Channels:mail:Username"] = "monitor",
        });
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Alerts:Channels:mail:Password is required with Username (set it in the environment: Alerts__Channels__mail__Password)", refused.ToString());
    }
}

public sealed class SilenceTests
{
    private static readonly DateTime At = new(2026, 11, 26, 12, 0, 0, DateTimeKind.Utc);

    [SkippableFact]
    public void ASilenceCoversItsRule_AllOfItsServicesOrJustTheOneNamed_OnlyUntilItEnds()
    {
        var wholeRule = new Silence { Rule = AlertRules.ServiceDown, StartsAt = At, EndsAt = At.AddHours(1), Comment = "c", CreatedBy = "x" };
        var oneService = new Silence { Rule = AlertRules.ServiceDown, Subject = "livekit", StartsAt = At, EndsAt = At.AddHours(1), Comment = "c", CreatedBy = "x" };
        Assert.True(wholeRule.Covers(AlertRules.ServiceDown, "daily_co", At.AddMinutes(5)));
        Assert.True(oneService.Covers(AlertRules.ServiceDown, "livekit", At.AddMinutes(5)));
        Assert.False(oneService.Covers(AlertRules.ServiceDown, "daily_co", At.AddMinutes(5)));
        Assert.False(wholeRule.Covers(AlertRules.P95Critical, "", At.AddMinutes(5)));
        Assert.False(wholeRule.Covers(AlertRules.ServiceDown, "livekit", At.AddHours(1)));
        Assert.False(wholeRule.Covers(AlertRules.ServiceDown, "livekit", At.AddSeconds(-1)));
    }

    [SkippableFact]
    public void AServiceOnlyForServiceDown_AndACommentWithoutControlCharacters()
    {
        Assert.Equal(["service"], Silences.Validate(new SilenceRequest(AlertRules.P95Critical, 10, "why", "livekit")).Keys);
        Assert.Equal(["comment"], Silences.Validate(new SilenceRequest(AlertRules.ServiceDown, 10, "why\u202E", "livekit")).Keys);
        Assert.Empty(Silences.Validate(new SilenceRequest(AlertRules.ServiceDown, 10, "vendor incident 🚧 #4711", "livekit")));
    }

    [SkippableFact]
    public void AQualitySilence_NamesAVideoProviderAsIngestionSpellsIt_ElseItWouldSilenceNothing()
    {
        Assert.Empty(Silences.Validate(new SilenceRequest(AlertRules.QualityPoorShare, 10, "LiveKit region incident", "livekit")));
        var errors = Silences.Validate(new SilenceRequest(AlertRules.QualityPoorShare, 10, "LiveKit region incident", "LiveKit"));
        Assert.StartsWith("'LiveKit' is not a video provider: use ", Assert.Single(errors["service"]));
        Assert.Contains("livekit", errors["service"][0]);
    }
}
