using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>This feature's tables (request rollups and OTLP streams) on the shared context: the context itself knows no feature.</summary>
public static class TelemetryTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<RequestRollup> RequestRollups => db.Set<RequestRollup>();
        public DbSet<RequestRollupHour> RequestRollupHours => db.Set<RequestRollupHour>();
        public DbSet<Otlp.OtlpStream> OtlpStreams => db.Set<Otlp.OtlpStream>();
    }
}
