using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Audit;

/// <summary>This feature's tables (the audit trail) on the shared context: the context itself knows no feature.</summary>
public static class AuditTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<AuditEvent> AuditEvents => db.Set<AuditEvent>();
    }
}
