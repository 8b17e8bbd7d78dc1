using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Quality;

/// <summary>This feature's tables (stats windows and quality bins) on the shared context: the context itself knows no feature.</summary>
public static class QualityTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<SessionStatsRow> SessionStats => db.Set<SessionStatsRow>();
        public DbSet<QualityBin> QualityBins => db.Set<QualityBin>();
    }
}
