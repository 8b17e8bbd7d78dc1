using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.ExternalServices;

/// <summary>This feature's tables (probe checks) on the shared context: the context itself knows no feature.</summary>
public static class ExternalServiceTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<ServiceCheck> ServiceChecks => db.Set<ServiceCheck>();
    }
}
