namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>
/// The dashboard's cards in page order: each its partial and its model's factory. Adding a card is its model, its partial
/// and one line here. <see cref="Slot.OnWallScreen"/>: kept on the wall screen, which shows what is read from across a room
/// (the breakdowns and the timeline stay on the desk, and are not read for it).
/// </summary>
public static class DashboardCards
{
    public sealed record Slot(string Id, string Partial, bool OnWallScreen, Func<DashboardView, object> Model);

    public static readonly IReadOnlyList<Slot> All =
    [
        new("health", "_HealthCard", true, HealthCard.From),
        new("alerts", "_AlertsCard", true, AlertsCard.From),
        new("active", "_ActiveSessionsCard", true, ActiveSessionsCard.From),
        new("avg-quality", "_AverageQualityCard", true, AverageQualityCard.From),
        new("error-rate", "_ErrorRateCard", true, ErrorRateCard.From),
        new("p95", "_P95Card", true, P95Card.From),
        new("db-pool", "_DbPoolCard", true, DbPoolCard.From),
        new("error-chart", "_ErrorChartCard", true, ErrorChartCard.From),
        new("services", "_ServicesCard", false, ServicesCard.From),
        new("quality-distribution", "_QualityDistributionCard", false, QualityDistributionCard.From),
        new("quality-providers", "_QualityByProviderCard", false, QualityByProviderCard.From),
        new("categories", "_CategoriesCard", false, CategoriesCard.From),
        new("external", "_ExternalServicesCard", true, ExternalServicesCard.From),
        new("events", "_EventsCard", false, EventsCard.From),
    ];

    /// <summary>The cards a view shows: all of them, or the wall screen's.</summary>
    public static IEnumerable<Slot> For(bool kiosk) => kiosk ? All.Where(c => c.OnWallScreen) : All;
}
