using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Quality;

/// <summary>Raw stats windows and the minute bins (which serve only the last hour) after <see cref="StatsStore.KeptDays"/> (older stats events are refused); the hour bins as long as the longest window the per-provider figures show.</summary>
public sealed class QualityRetention() : IRetentionTask
{
    public string Name => "stats windows and quality bins";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var nowMinute = TimeBuckets.Minute(now);
        var statsBefore = now.AddDays(-StatsStore.KeptDays);
        await db.SessionStats.Where(w => w.At < statsBefore).ExecuteDeleteAsync(cancellationToken);
        var minuteBinsBefore = nowMinute - (long)TimeSpan.FromDays(StatsStore.KeptDays).TotalMinutes;
        var hourBinsBefore = nowMinute - (long)QualityBin.LongestWindow.Length().TotalMinutes;
        await db.QualityBins.Where(b => b.WidthMinutes == QualityBin.Minute && b.StartMinute < minuteBinsBefore).ExecuteDeleteAsync(cancellationToken);
        await db.QualityBins.Where(b => b.WidthMinutes == QualityBin.Hour && b.StartMinute < hourBinsBefore).ExecuteDeleteAsync(cancellationToken);
    }
}
