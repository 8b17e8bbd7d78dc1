using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Alerts;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using static MonitorApp.Tests.Alerts.AlertSteps;

namespace MonitorApp.Tests.Alerts;

/// <summary>
/// Alerts that reach people: an error rate driven through ingestion, a controlled clock, and real receivers (HTTP for the
/// webhook and Slack, SMTP for e-mail) — exactly one firing and one resolved notification per incident on each channel.
/// </summary>
public abstract class AlertNotificationTests(DatabaseProvider provider)
{
    [SkippableFact]
    public async Task AnIncident_SendsOneFiringAndOneResolvedOnEachChannel_AndAFlapInsideKeepFiringForSendsNothingMore()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver));

        await OutcomesAsync(app, ok: 80, errors: 20); // 20 % > 5 %
        await EvaluateAsync(app);
        await DeliverAsync(app);
        Assert.Equal(0, Sent(receiver)); // pending: nobody is told yet
        var alerts = await app.GetJsonAsync("/api/admin/alerts");
        Assert.Equal("pending", Rule(alerts, AlertRules.ErrorRateCritical).GetProperty("state").GetString());

        await PassAsync(app, TimeSpan.FromMinutes(2));
        await DeliverAsync(app);
        await AssertEachChannelGotAsync(receiver, "firing");
        var hours = (await app.GetJsonAsync("/api/admin/metrics/error-rate?hours=3")).GetProperty("points").EnumerateArray()
            .Select(p => (p.GetProperty("hour").GetDateTime(), p.GetProperty("alert_fired").GetBoolean())).ToList();
        Assert.Equal([false, false, true], hours.Select(h => h.Item2)); // the chart marks the hour it fired in (12:00)
        var firing = JsonDocument.Parse(receiver.Bodies(Webhook)[0]).RootElement;
        Assert.Equal("error_rate_critical", firing.GetProperty("rule").GetString());
        Assert.Equal("critical", firing.GetProperty("severity").GetString());
        Assert.Equal(0.2, firing.GetProperty("value").GetDouble(), 6);
        Assert.Equal(0.05, firing.GetProperty("threshold").GetDouble(), 6);
        Assert.Equal(JsonValueKind.Null, firing.GetProperty("resolved_at").ValueKind);
        Assert.Equal("https://monitor.example/admin/dashboard", firing.GetProperty("dashboard_url").GetString());
        Assert.Contains("error rate 20 %", firing.GetProperty("reasons")[0].GetString());
        Assert.Equal(T0.AddMinutes(2).UtcDateTime, firing.GetProperty("started_at").GetDateTime(), TimeSpan.FromSeconds(1));

        // The rate falls below 5 %, rises above it again within KeepFiringFor, and falls again: still one incident.
        await OutcomesAsync(app, ok: 400, errors: 0);   // 20 / 500 = 4 %
        await PassAsync(app, TimeSpan.FromMinutes(2));
        await OutcomesAsync(app, ok: 0, errors: 30);    // 50 / 530 = 9.4 %
        await PassAsync(app, TimeSpan.FromMinutes(1));
        await OutcomesAsync(app, ok: 600, errors: 0);   // 50 / 1130 = 4.4 %
        await PassAsync(app, TimeSpan.FromMinutes(4));
        await DeliverAsync(app);
        await AssertEachChannelGotAsync(receiver, "firing");
        Assert.Equal("firing", Rule(await app.GetJsonAsync("/api/admin/alerts"), AlertRules.ErrorRateCritical).GetProperty("state").GetString());

        await PassAsync(app, TimeSpan.FromMinutes(2)); // false for 5 minutes now
        await DeliverAsync(app);
        await AssertEachChannelGotAsync(receiver, "firing", "resolved");
        var resolved = JsonDocument.Parse(receiver.Bodies(Webhook)[1]).RootElement;
        Assert.Equal(firing.GetProperty("fingerprint").GetString(), resolved.GetProperty("fingerprint").GetString());
        Assert.NotEqual(JsonValueKind.Null, resolved.GetProperty("resolved_at").ValueKind);

        var events = (await app.GetJsonAsync("/api/admin/events?hours=24")).GetProperty("events").EnumerateArray()
            .Where(e => e.GetProperty("kind").GetString() == "alert").Select(e => e.GetProperty("state").GetString()).Reverse().ToList();
        Assert.Equal(["pending", "firing", "resolved"], events);
    }

    [SkippableFact]
    public async Task ASilencedRule_StillShows_ButNotifiesNobody_TheSilenceIsInTheTimeline_AndEndsByItself()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver));
        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);

        var refused = await app.Monitor.PostAsJsonAsync("/api/admin/alerts/silences", new { rule = AlertRules.ErrorRateCritical, duration_minutes = 60, comment = "deploy" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // SYSTEM_MONITOR reads, it does not silence
        var bad = await admin.PostAsJsonAsync("/api/admin/alerts/silences", new { rule = "error_rate", duration_minutes = 0, comment = "" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors");
        Assert.Equal(["comment", "duration_minutes", "rule"], errors.EnumerateObject().Select(e => e.Name).Order());
        var created = await admin.PostAsJsonAsync("/api/admin/alerts/silences", new { rule = AlertRules.ErrorRateCritical, duration_minutes = 60, comment = "planned database failover" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        await OutcomesAsync(app, ok: 80, errors: 20);
        await EvaluateAsync(app);
        await PassAsync(app, TimeSpan.FromMinutes(2));
        var rule = Rule(await app.GetJsonAsync("/api/admin/alerts"), AlertRules.ErrorRateCritical);
        Assert.Equal("firing", rule.GetProperty("state").GetString());
        Assert.True(rule.GetProperty("alerts")[0].GetProperty("silenced").GetBoolean());
        await OutcomesAsync(app, ok: 2000, errors: 0);
        await PassAsync(app, TimeSpan.FromMinutes(6));
        await DeliverAsync(app);
        Assert.Equal(0, Sent(receiver));

        var timeline = (await app.GetJsonAsync("/api/admin/events?hours=24")).GetProperty("events").EnumerateArray().Select(e => e.GetProperty("summary").GetString()).ToList();
        Assert.Contains(timeline, s => s!.StartsWith("error_rate_critical silenced by super_admin-", StringComparison.Ordinal));
        Assert.Contains("error_rate_critical firing (silenced: nobody notified)", timeline);

        // The silence ends by itself (and says so in the timeline): the next incident, an hour later, is sent.
        app.Time.Advance(TimeSpan.FromMinutes(55));
        await OutcomesAsync(app, ok: 50, errors: 50, at: app.Time.GetUtcNow());
        await EvaluateAsync(app);
        Assert.Contains("error_rate_critical silence ended", (await app.GetJsonAsync("/api/admin/events?hours=24")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("summary").GetString()));
        await PassAsync(app, TimeSpan.FromMinutes(2));
        await DeliverAsync(app);
        await AssertEachChannelGotAsync(receiver, "firing");
    }

    [SkippableFact]
    public async Task ASuperAdmin_EndsASilenceEarly_AndCreatingAndEndingItAreInTheAuditTrail()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver));
        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);
        var created = await admin.PostAsJsonAsync("/api/admin/alerts/silences", new { rule = AlertRules.ErrorRateCritical, duration_minutes = 120, comment = "migration window" });
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();

        Assert.Equal(HttpStatusCode.Forbidden, (await app.Monitor.DeleteAsync($"/api/admin/alerts/silences/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/admin/alerts/silences/{id}")).StatusCode);
        var again = await admin.DeleteAsync($"/api/admin/alerts/silences/{id}");
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, (await app.GetJsonAsync("/api/admin/alerts")).GetProperty("silences").GetArrayLength());

        // Ended, it silences nothing: the incident is sent.
        await OutcomesAsync(app, ok: 80, errors: 20);
        await EvaluateAsync(app);
        Assert.Contains("error_rate_critical silence ended", (await app.GetJsonAsync("/api/admin/events?hours=24")).GetProperty("events").EnumerateArray()
            .Select(e => e.GetProperty("summary").GetString()));
        await PassAsync(app, TimeSpan.FromMinutes(6));
        await DeliverAsync(app);
        await AssertEachChannelGotAsync(receiver, "firing");

        var audited = await app.App.WithDbAsync(db => db.AuditEvents.AsNoTracking()
            .Where(e => e.Action == AuditActions.SilenceCreated || e.Action == AuditActions.SilenceEnded).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditActions.SilenceCreated, AuditActions.SilenceEnded], audited.Select(e => e.Action));
        Assert.All(audited, e =>
        {
            Assert.StartsWith("super_admin-", e.Actor);
            Assert.Equal(AlertRules.ErrorRateCritical, e.Target);
        });
        Assert.Contains("migration window", audited[0].Detail);
    }

    [SkippableFact]
    public async Task AReceiverThatIsDown_IsRetriedWithBackoff_ShowsAsFailing_ThenGetsItOnce()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        // The webhook's URL holds credentials, as a receiver behind basic authentication needs.
        var withCredentials = new Uri(receiver.BaseUrl);
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver, new()
        {
            ["Alerts:Rules:error_rate_critical:For"] = "00:00:00",
            ["Alerts:Channels:hook:Url"] = $"http://hook-user:hook-s3cret@{withCredentials.Authority}{Webhook}",
        }));
        receiver.Failing = true;

        await OutcomesAsync(app, ok: 80, errors: 20);
        await EvaluateAsync(app); // For 0: fires at the first evaluation
        await DeliverAsync(app);
        Assert.Equal(2, receiver.Refused); // webhook and Slack refused; e-mail went through
        var failures = (await app.GetJsonAsync("/api/admin/alerts")).GetProperty("delivery_failures");
        Assert.Equal(["chat", "hook"], failures.EnumerateArray().Select(f => f.GetProperty("channel").GetString()).Order());
        Assert.Contains("503", failures[0].GetProperty("last_error").GetString());
        // Where it failed, as scheme://host:port: never the URL's user:password.
        Assert.Contains($"http://{withCredentials.Host}:{withCredentials.Port} answered 503", failures.EnumerateArray().Single(f => f.GetProperty("channel").GetString() == "hook").GetProperty("last_error").GetString());
        var cardsPage = await (await app.App.CreateClientAsAsync(Roles.SystemMonitor)).GetStringAsync("/admin/dashboard");
        var cards = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(cardsPage);
        Assert.Contains("Notification to", cards.QuerySelector("#card-alerts .banner")!.TextContent);
        foreach (var shown in new[] { failures.ToString(), cardsPage })
        {
            Assert.DoesNotContain("hook-s3cret", shown);
            Assert.DoesNotContain("hook-user", shown);
        }
        Assert.DoesNotContain(await app.App.WithDbAsync(db => db.AlertDeliveryAttempts.Select(a => a.Error).ToListAsync()), e => e != null && e.Contains("s3cret"));

        app.Time.Advance(TimeSpan.FromSeconds(4));
        await DeliverAsync(app);
        Assert.Equal(2, receiver.Refused); // not due yet: the first retry waits 5 s
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync(app);
        Assert.Equal(4, receiver.Refused);
        receiver.Failing = false;
        app.Time.Advance(TimeSpan.FromSeconds(9));
        await DeliverAsync(app);
        Assert.Empty(receiver.Accepted); // the second retry waits 10 s
        app.Time.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync(app);
        app.Time.Advance(TimeSpan.FromMinutes(5));
        await DeliverAsync(app);

        Assert.Single(receiver.Bodies(Webhook));
        Assert.Single(receiver.Bodies(Slack));
        Assert.Equal(4, await app.App.WithDbAsync(db => db.AlertDeliveryAttempts.CountAsync(a => !a.Succeeded)));
        Assert.Equal(3, await app.App.WithDbAsync(db => db.AlertDeliveryAttempts.CountAsync(a => a.Succeeded)));
        Assert.Equal(0, (await app.GetJsonAsync("/api/admin/alerts")).GetProperty("delivery_failures").GetArrayLength());
    }

    [SkippableFact]
    public async Task AReceiverDownForMoreThanAnHour_IsGivenUp_AndThatShows()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver, new() { ["Alerts:Rules:error_rate_critical:For"] = "00:00:00" }));
        receiver.Failing = true;
        await OutcomesAsync(app, ok: 80, errors: 20);
        await EvaluateAsync(app);
        for (var i = 0; i < 8; i++) // 5 s, 10 s, 20 s … 10 min apart: past an hour after 8 rounds of 10 minutes
        {
            await DeliverAsync(app);
            app.Time.Advance(TimeSpan.FromMinutes(10));
            await OutcomesAsync(app, ok: 80, errors: 20, at: app.Time.GetUtcNow()); // the incident goes on
        }
        await DeliverAsync(app);
        var refusedThen = receiver.Refused;
        app.Time.Advance(TimeSpan.FromMinutes(30));
        await OutcomesAsync(app, ok: 80, errors: 20, at: app.Time.GetUtcNow());
        await DeliverAsync(app);
        Assert.Equal(refusedThen, receiver.Refused); // no more attempts
        var failures = (await app.GetJsonAsync("/api/admin/alerts")).GetProperty("delivery_failures").EnumerateArray().ToList();
        Assert.Equal(2, failures.Count);
        Assert.All(failures, f => Assert.NotEqual(JsonValueKind.Null, f.GetProperty("gave_up_at").ValueKind));
        var page = await MonitorAppFactory.ParseAsync(await (await app.App.CreateClientAsAsync(Roles.SystemMonitor)).GetAsync("/admin/dashboard"));
        Assert.Contains("Gave up at", page.QuerySelector("#card-alerts .banner")!.TextContent);
    }

    [SkippableFact]
    public async Task TheDashboardsSilenceForm_IsForASuperAdminWithTheAntiforgeryToken_Only()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var app = await IsolatedApp.StartAsync(provider, Settings(receiver, new() { ["Alerts:Rules:error_rate_critical:For"] = "00:00:00" }));
        await OutcomesAsync(app, ok: 80, errors: 20);
        await EvaluateAsync(app);
        var fields = new Dictionary<string, string> { ["rule"] = AlertRules.ErrorRateCritical, ["durationMinutes"] = "60", ["comment"] = "known" };

        var monitor = await app.App.CreateClientAsAsync(Roles.SystemMonitor);
        var monitorPage = await MonitorAppFactory.ParseAsync(await monitor.GetAsync("/admin/dashboard"));
        Assert.Null(monitorPage.QuerySelector("#card-alerts form.silence"));
        Assert.Equal(HttpStatusCode.Forbidden, (await monitor.HtmxPostAsync(monitorPage, "/admin/dashboard?handler=Silence", fields)).StatusCode);

        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);
        var adminPage = await MonitorAppFactory.ParseAsync(await admin.GetAsync("/admin/dashboard"));
        Assert.NotNull(adminPage.QuerySelector("#card-alerts form.silence"));
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsync("/admin/dashboard?handler=Silence", new FormUrlEncodedContent(fields))).StatusCode);
        // The form brings the chart's view along (hx-include), and the cards that come back keep it.
        Assert.Equal("#chart-view", adminPage.QuerySelector("#card-alerts form.silence")!.GetAttribute("hx-include"));
        var silenced = await admin.HtmxPostAsync(adminPage, "/admin/dashboard?handler=Silence", new Dictionary<string, string>(fields) { ["range"] = "7d" });
        Assert.Equal(HttpStatusCode.OK, silenced.StatusCode);
        var cards = await MonitorAppFactory.ParseAsync(silenced);
        Assert.Contains("Silenced until", cards.QuerySelector("#card-alerts")!.TextContent);
        Assert.Equal("Error rate, last 7 days", cards.QuerySelector("#card-error-chart h2")!.TextContent.Trim());
    }

    [SkippableFact]
    public async Task ARestartMidIncident_DropsNothingDue_DuplicatesNothing_AndStillResolves()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = Settings(receiver);
        await using (var before = await IsolatedApp.StartAsync(provider, settings, TestDatabase.Existing(provider, database.ConnectionString)))
        {
            await OutcomesAsync(before, ok: 80, errors: 20);
            await EvaluateAsync(before);
            receiver.Failing = true; // the webhook and Slack are due, and not delivered, when the process stops
            await PassAsync(before, TimeSpan.FromMinutes(2));
            await DeliverAsync(before);
            Assert.Equal(2, receiver.Refused);
        }
        receiver.Failing = false;

        await using var after = await IsolatedApp.StartAsync(provider, settings, TestDatabase.Existing(provider, database.ConnectionString));
        after.Time.Advance(TimeSpan.FromMinutes(3)); // later than when the first process stopped
        await EvaluateAsync(after);
        await DeliverAsync(after);
        await AssertEachChannelGotAsync(receiver, "firing"); // what was due was not dropped, and nothing was sent twice
        await OutcomesAsync(after, ok: 2000, errors: 0);
        await PassAsync(after, TimeSpan.FromMinutes(6));
        await DeliverAsync(after);
        await AssertEachChannelGotAsync(receiver, "firing", "resolved");
    }
}

public sealed class SqliteAlertNotificationTests() : AlertNotificationTests(DatabaseProvider.Sqlite);

public sealed class PostgresAlertNotificationTests() : AlertNotificationTests(DatabaseProvider.Postgres)
{
    [SkippableFact]
    public async Task TwoInstancesOnOnePostgres_NotifyOnce()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = Settings(receiver);
        await using var a = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, settings, TestDatabase.Existing(DatabaseProvider.Postgres, database.ConnectionString));
        await using var b = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, settings, TestDatabase.Existing(DatabaseProvider.Postgres, database.ConnectionString));

        await OutcomesAsync(a, ok: 80, errors: 20);
        foreach (var app in new[] { a, b })
            await EvaluateAsync(app);
        foreach (var app in new[] { a, b })
            await PassAsync(app, TimeSpan.FromMinutes(2));
        foreach (var app in new[] { a, b })
            await DeliverAsync(app);

        await AssertEachChannelGotAsync(receiver, "firing");
        Assert.Equal(1, await a.App.WithDbAsync(db => db.TimelineEvents.CountAsync(e => e.Kind == TimelineEvent.Alert && e.State == AlertState.Firing)));
        // Both show it: each reads the shared state.
        // (The failover itself is TheElectedInstanceStopping_TheOtherResolvesTheIncidentOnce.)
        foreach (var app in new[] { a, b })
        {
            await app.App.Services.GetRequiredService<AlertBoard>().RefreshAsync(CancellationToken.None);
            Assert.Equal("firing", Rule(await app.GetJsonAsync("/api/admin/alerts"), AlertRules.ErrorRateCritical).GetProperty("state").GetString());
        }
    }

    [SkippableFact]
    public async Task TheElectedInstanceStopping_TheOtherResolvesTheIncidentOnce()
    {
        await using var receiver = await AlertReceiver.StartAsync();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = Settings(receiver);
        var a = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, settings, TestDatabase.Existing(DatabaseProvider.Postgres, database.ConnectionString));
        await using var b = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, settings, TestDatabase.Existing(DatabaseProvider.Postgres, database.ConnectionString));
        var (leader, standby) = await a.App.Services.GetRequiredService<LeaderElection>().IsElectedAsync(CancellationToken.None) ? (a, b) : (b, a);

        await OutcomesAsync(leader, ok: 80, errors: 20);
        await EvaluateAsync(leader);
        await PassAsync(leader, TimeSpan.FromMinutes(2));
        await DeliverAsync(leader);
        await AssertEachChannelGotAsync(receiver, "firing");
        await leader.DisposeAsync();
        if (!ReferenceEquals(leader, a))
            await a.DisposeAsync();

        var election = standby.App.Services.GetRequiredService<LeaderElection>();
        await Eventually.HoldsAsync(() => election.IsElectedAsync(CancellationToken.None), TimeSpan.FromSeconds(20), "the standby elected");
        standby.Time.Advance(TimeSpan.FromMinutes(3));
        await EvaluateAsync(standby); // still firing: the same incident, nothing new
        await DeliverAsync(standby);
        await AssertEachChannelGotAsync(receiver, "firing");
        await OutcomesAsync(standby, ok: 2000, errors: 0);
        await PassAsync(standby, TimeSpan.FromMinutes(6));
        await DeliverAsync(standby);
        await AssertEachChannelGotAsync(receiver, "firing", "resolved");
    }
}
