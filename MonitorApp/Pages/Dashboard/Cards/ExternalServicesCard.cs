using MonitorApp.ExternalServices;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>Each video provider's status, last check and uptime, with its history strips.</summary>
public sealed record ExternalServicesCard(IReadOnlyList<ExternalServiceFigures> Services, DateTime Now)
{
    /// <summary>The providers with a history to draw: checked at least once, or waiting for their first check.</summary>
    public IEnumerable<ExternalServiceFigures> Histories =>
        Services.Where(s => s.History is not null && (s.LastCheckedAt is not null || s.Detail == ExternalServiceReader.NotCheckedYet));

    public static string Uptime(double? percent) =>
        percent is { } p ? p.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture) + " %" : "—";

    public static ExternalServicesCard From(DashboardView view) => new(view.Snapshot.ExternalServices, view.Now);
}
