using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>Each service's last hour, worst first (the first <see cref="MaxRows"/>; the API has them all), each a link to its chart.</summary>
public sealed record ServicesCard(IReadOnlyList<ServicesCard.Row> Rows, int More, string? Unknown)
{
    /// <summary>How many services the card lists (worst first); the API has them all.</summary>
    public const int MaxRows = 8;

    public sealed record Row(string Service, string ChartUrl, long Requests, double? ErrorRate, double? P95Ms, HealthLevel Level);

    public static ServicesCard From(DashboardView view) => new(
        view.Services.Take(MaxRows).Select(r => new Row(r.Service, view.Chart.PageUrl(view.Chart.Range, r.Service), r.Requests, r.ErrorRate, r.P95Ms, r.Level)).ToList(),
        Math.Max(0, view.Services.Count - MaxRows),
        view.ServicesUnknown);
}
