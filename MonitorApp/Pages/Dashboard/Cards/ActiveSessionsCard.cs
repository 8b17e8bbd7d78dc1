namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The live count of active sessions (the stream updates it between refreshes).</summary>
public sealed record ActiveSessionsCard(long? Count, string? Unknown)
{
    public string Shown => Count is { } n ? Format.Count(n) : FigureNames.Unknown;

    public static ActiveSessionsCard From(DashboardView view) =>
        new(view.Snapshot.ActiveSessions, view.Snapshot.Unknown.GetValueOrDefault(FigureNames.ActiveSessions));
}
