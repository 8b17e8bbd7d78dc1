using MonitorApp.Alerts;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>Alerts firing or pending (with their figure in its unit), delivery failures, silences, and the silence form for those who may.</summary>
public sealed record AlertsCard(AlertBoardView Board, AlertsPolicy Policy, DateTime Now)
{
    /// <summary>The alert's figure in its rule's unit (a share, milliseconds), "—" for rules without one.</summary>
    public static string Value(AlertView alert) =>
        Format.Figure(AlertRules.ByName.TryGetValue(alert.Rule, out var rule) ? rule.Unit : FigureUnit.None, alert.Value);

    public string Since(DateTime at) => $"{Format.DateTimeUtc(at)} ({Format.Age(Now - at)} ago)";

    /// <summary>Where an alert's notification stands, in words.</summary>
    public string Notifications(AlertView alert) =>
        alert.State == AlertState.Pending ? "Not yet (pending)"
        : alert.Notified ? $"Sent to {Policy.ChannelCount} channel(s)"
        : Policy.ChannelCount == 0 ? "No channel configured" : "Not sent (fired while silenced)";

    public static AlertsCard From(DashboardView view) => new(view.Alerts, view.AlertsPolicy, view.Now);
}
