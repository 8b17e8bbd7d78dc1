using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Alerts;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Alerts;

/// <summary>The steps the alert tests take: settings for real receivers, data through ingestion, evaluation and delivery as the timers would.</summary>
public static class AlertSteps
{
    public const string Webhook = "/hook/webhook", Slack = "/hook/slack";
    public static readonly DateTimeOffset T0 = IsolatedApp.T0;

    /// <summary>error_rate_critical alone (For 2 min, KeepFiringFor 5 min: the defaults), to three channels.</summary>
    public static Dictionary<string, string?> Settings(AlertReceiver receiver, Dictionary<string, string?>? more = null)
    {
        var settings = receiver.Channels();
        foreach (var rule in AlertRules.All.Where(r => r.Name != AlertRules.ErrorRateCritical))
            settings[$"Alerts:Rules:{rule.Name}:Enabled"] = "false";
        settings["Alerts:DashboardUrl"] = "https://monitor.example/admin/dashboard";
        settings["Metrics:SnapshotSeconds"] = "300"; // the test computes the figures when it wants them
        foreach (var (key, value) in more ?? [])
            settings[key] = value;
        return settings;
    }

    /// <summary>Outcomes of a minute before <paramref name="at"/> (T0 unless given).</summary>
    public static Task OutcomesAsync(IsolatedApp app, int ok, int errors, DateTimeOffset? at = null) => app.PostRequestsAsync(
        Enumerable.Range(0, ok + errors).Select(i => (object)new { service = "platform-api", at = IsolatedApp.Iso((at ?? T0).AddMinutes(-1)), status = i < errors ? 503 : 200, duration_ms = 20 }));

    /// <summary>Recomputes the figures and evaluates the rules, as the timers would.</summary>
    public static async Task EvaluateAsync(IsolatedApp app)
    {
        await app.RefreshAsync();
        await app.App.Services.GetRequiredService<AlertEvaluator>().EvaluateAsync(CancellationToken.None);
    }

    /// <summary>
    /// Delivers what is due. The delivery loop may be at it already (an evaluation wakes it): rounds take turns, so when
    /// this returns, everything due has been tried by one of them.
    /// </summary>
    public static Task DeliverAsync(IsolatedApp app) => app.App.Services.GetRequiredService<AlertDelivery>().DeliverDueAsync(CancellationToken.None);

    public static int Sent(AlertReceiver receiver) => receiver.Accepted.Count + receiver.Smtp.ReceivedEmailCount;

    /// <summary>Moves the clock a minute at a time, evaluating after each, as the evaluation timer would.</summary>
    public static async Task PassAsync(IsolatedApp app, TimeSpan span)
    {
        for (var passed = TimeSpan.Zero; passed < span; passed += TimeSpan.FromMinutes(1))
        {
            app.Time.Advance(TimeSpan.FromMinutes(1));
            await EvaluateAsync(app);
        }
    }

    public static async Task AssertEachChannelGotAsync(AlertReceiver receiver, params string[] states)
    {
        Assert.Equal(states, receiver.Bodies(Webhook).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("state").GetString()));
        Assert.Equal(states.Select(s => $"[{s.ToUpperInvariant()}] error_rate_critical"),
            receiver.Bodies(Slack).Select(b => JsonDocument.Parse(b).RootElement.GetProperty("text").GetString()!.Split(" (")[0]));
        // The SMTP sink stores a message just after it answers.
        await Eventually.HoldsAsync(() => receiver.Smtp.ReceivedEmailCount >= states.Length, TimeSpan.FromSeconds(10), $"{states.Length} e-mail(s) stored");
        // The sink keeps no order: the subjects, whatever order they arrived in.
        Assert.Equal(states.Select(s => $"[{s.ToUpperInvariant()}] error_rate_critical (critical)").Order(), receiver.MailSubjects.Order());
    }

    public static JsonElement Rule(JsonElement alerts, string name) =>
        alerts.GetProperty("rules").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);
}
