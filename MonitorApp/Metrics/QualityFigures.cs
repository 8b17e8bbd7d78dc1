using MonitorApp.Quality;
using Microsoft.EntityFrameworkCore;

namespace MonitorApp.Metrics;

/// <summary>
/// One provider's measured quality over a window: how many windows, the median and 10th percentile MOS (bins 0.1 wide,
/// given as the bin's lower edge), the share of poor windows (MOS &lt; 3.0), the median per direction, the share relayed
/// through TURN (of the windows that said), and what cost the poor windows the most. A figure that cannot be known is null, with the reason in
/// <see cref="Unknown"/>.
/// </summary>
public sealed record ProviderQuality(
    string Provider,
    long Windows,
    double? MosMedian,
    double? MosP10,
    double? PoorShare,
    double? SendMosMedian,
    double? ReceiveMosMedian,
    double? RelayShare,
    IReadOnlyDictionary<string, double>? Reasons,
    string? MainReason,
    IReadOnlyDictionary<string, string> Unknown);

/// <summary><c>GET /api/admin/metrics/quality</c>: every provider with windows in the window, worst first.</summary>
public sealed record QualityMetrics(string Window, DateTime GeneratedAt, bool Stale, IReadOnlyList<ProviderQuality> Providers);

/// <summary>
/// Per-provider quality as of the current snapshot, read from the minute bins (1h: the 60 minutes up to and including the
/// current one) or the hour bins (24h, 7d: the last 24 or 168 hours, the current one included), once per snapshot.
/// </summary>
public sealed class QualityFigures(PerSnapshotCache cache, MetricsSnapshotService snapshots)
{
    public static readonly MetricsWindow[] Windows = [MetricsWindow.Hour, MetricsWindow.Day, QualityBin.LongestWindow];

    private sealed record BinTotals(string Provider, string Direction, int Bin, long Windows, long Relayed, long RelayUnreported, long Loss, long Delay, long Jitter);

    public async Task<QualityMetrics> ByProviderAsync(MetricsWindow window, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(cancellationToken);
        var rows = await cache.GetAsync("quality:" + window.Name(), snapshot, async db =>
        {
            var nowMinute = TimeBuckets.Minute(snapshot.GeneratedAt);
            var (width, from) = window == MetricsWindow.Hour
                ? (QualityBin.Minute, nowMinute - 59)
                : (QualityBin.Hour, (TimeBuckets.HourOfMinute(nowMinute) - (long)window.Length().TotalHours + 1) * 60);
            var bins = await db.QualityBins.AsNoTracking()
                .Where(b => b.WidthMinutes == width && b.StartMinute >= from && b.StartMinute <= nowMinute)
                .GroupBy(b => new { b.Provider, b.Direction, b.Bin })
                .Select(g => new BinTotals(g.Key.Provider, g.Key.Direction, g.Key.Bin,
                    g.Sum(b => b.Windows), g.Sum(b => b.Relayed), g.Sum(b => b.RelayUnreported), g.Sum(b => b.Loss), g.Sum(b => b.Delay), g.Sum(b => b.Jitter)))
                .ToListAsync(cancellationToken);
            return (IReadOnlyList<ProviderQuality>)bins.GroupBy(b => b.Provider)
                .Select(p => Figures(p.Key, p.ToList(), window.Name()))
                .OrderByDescending(p => p.PoorShare).ThenBy(p => p.MosMedian).ThenBy(p => p.Provider, StringComparer.Ordinal)
                .ToList();
        });
        return new QualityMetrics(window.Name(), snapshot.GeneratedAt, snapshot.Stale, rows);
    }

    private static ProviderQuality Figures(string provider, List<BinTotals> bins, string window)
    {
        var unknown = new Dictionary<string, string>();
        var windows = bins.Sum(b => b.Windows);
        var poor = bins.Where(b => b.Bin < QualityBin.FirstFairBin).ToList();
        var poorWindows = poor.Sum(b => b.Windows);
        double? Median(string direction)
        {
            var value = Percentile(bins.Where(b => b.Direction == direction).ToList(), 50);
            if (value is null)
                unknown[$"{direction}_mos_median"] = $"no {direction} windows in {window}";
            return value;
        }

        // Relay is optional: the share is of the windows that said, never a 0 made of silence.
        var relayReported = windows - bins.Sum(b => b.RelayUnreported);
        double? relayShare = relayReported > 0 ? Share(bins.Sum(b => b.Relayed), relayReported) : null;
        if (relayShare is null)
            unknown["relay_share"] = $"no window in {window} said whether it went through a relay";

        Dictionary<string, double>? reasons = null;
        string? main = null;
        if (poorWindows == 0)
        {
            unknown["reasons"] = $"no poor windows in {window}";
        }
        else
        {
            reasons = new Dictionary<string, double>
            {
                [MosReason.Loss.Name()] = Share(poor.Sum(b => b.Loss), poorWindows),
                [MosReason.Delay.Name()] = Share(poor.Sum(b => b.Delay), poorWindows),
                [MosReason.Jitter.Name()] = Share(poor.Sum(b => b.Jitter), poorWindows),
            };
            main = reasons.MaxBy(r => r.Value).Key;
        }
        return new ProviderQuality(provider, windows, Percentile(bins, 50), Percentile(bins, 10), Share(poorWindows, windows),
            Median(WindowStatsRules.Send), Median(WindowStatsRules.Receive), relayShare,
            reasons, main, unknown);
    }

    private static double Share(long part, long whole) => Math.Round((double)part / whole, 4);

    /// <summary>The nearest-rank percentile of the windows' MOS: the lower edge of the bin holding the ⌈p·N/100⌉-th lowest window.</summary>
    private static double? Percentile(IReadOnlyCollection<BinTotals> bins, int percent)
    {
        var total = bins.Sum(b => b.Windows);
        if (total == 0)
            return null;
        var rank = Math.Max(1, (total * percent + 99) / 100); // whole numbers: no rounding up of 0.1 × 30 to 4
        long cumulative = 0;
        foreach (var bin in bins.GroupBy(b => b.Bin).OrderBy(g => g.Key))
        {
            cumulative += bin.Sum(b => b.Windows);
            if (cumulative >= rank)
                return bin.Key / 10.0;
        }
        return null;
    }
}
