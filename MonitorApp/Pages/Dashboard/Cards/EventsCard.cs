using MonitorApp.Alerts;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>What changed in the last 24 hours (alerts firing and resolving, providers changing), newest first.</summary>
public sealed record EventsCard(bool Read, IReadOnlyList<TimelineEvent> Events)
{
    /// <summary>Whether the newest <see cref="AlertBoard.MaxRecentEvents"/> are all that is shown (the API has the rest).</summary>
    public bool Truncated => Events.Count == AlertBoard.MaxRecentEvents;

    public static EventsCard From(DashboardView view) => new(view.Alerts.ReadAt is not null, view.Alerts.RecentEvents);
}
