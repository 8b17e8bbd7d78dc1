using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>Each provider's measured quality over the last hour (MOS from WebRTC stats), worst first.</summary>
public sealed record QualityByProviderCard(IReadOnlyList<QualityByProviderCard.Row> Rows, string? Unknown)
{
    /// <summary><see cref="Level"/>: the level its median MOS falls in (null when no median).</summary>
    public sealed record Row(string Provider, string Name, ProviderQuality Figures, ConnectionQuality? Level);

    public static QualityByProviderCard From(DashboardView view) => new(
        view.QualityByProvider.Select(p => new Row(p.Provider, view.ProviderName(p.Provider), p,
            p.MosMedian is { } median ? Quality.QualityBin.LevelOfBin(median) : null)).ToList(),
        view.QualityByProviderUnknown);
}
