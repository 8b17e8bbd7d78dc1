using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Alerts;

/// <summary>This feature's tables (alert state, notifications, silences and the timeline) on the shared context: the context itself knows no feature.</summary>
public static class AlertTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<AlertState> AlertStates => db.Set<AlertState>();
        public DbSet<AlertNotification> AlertNotifications => db.Set<AlertNotification>();
        public DbSet<AlertDeliveryAttempt> AlertDeliveryAttempts => db.Set<AlertDeliveryAttempt>();
        public DbSet<Silence> Silences => db.Set<Silence>();
        public DbSet<TimelineEvent> TimelineEvents => db.Set<TimelineEvent>();
    }
}
