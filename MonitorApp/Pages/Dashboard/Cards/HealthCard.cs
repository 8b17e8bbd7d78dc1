namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The headline: the health verdict with its reasons, and how old the figures are (with why, when stale).</summary>
public sealed record HealthCard(HealthLevel Level, IReadOnlyList<string> Reasons, DateTime GeneratedAt, string? Stale)
{
    public string Tone => Format.Tone(Level.Name());

    public static HealthCard From(DashboardView view)
    {
        var s = view.Snapshot;
        return new(s.Health.Level, s.Health.Reasons, s.GeneratedAt, s.Stale ? $"stale, {Format.Age(view.Age)} old: {s.StaleReason}" : null);
    }
}
