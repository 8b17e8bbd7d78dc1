namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The wall screen's status bar: the verdict, the time of the figures and of the page, and a banner when stale.</summary>
public sealed record KioskStatus(HealthLevel Level, DateTime GeneratedAt, DateTime Now, string? StaleFor)
{
    public string Tone => Format.Tone(Level.Name());

    public static KioskStatus From(DashboardView view)
    {
        var s = view.Snapshot;
        return new(s.Health.Level, s.GeneratedAt, view.Now, s.Stale ? $"Figures are {Format.Age(view.Age)} old: {s.StaleReason}" : null);
    }
}
