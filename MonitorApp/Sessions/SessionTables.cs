using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Sessions;

/// <summary>This feature's tables (the sessions, their categories and hourly counts) on the shared context: the context itself knows no feature.</summary>
public static class SessionTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<CounselorCategory> CounselorCategories => db.Set<CounselorCategory>();
        public DbSet<Session> Sessions => db.Set<Session>();
        public DbSet<SessionStartCount> SessionStartCounts => db.Set<SessionStartCount>();
        public DbSet<SessionQualityCount> SessionQualityCounts => db.Set<SessionQualityCount>();
    }
}
