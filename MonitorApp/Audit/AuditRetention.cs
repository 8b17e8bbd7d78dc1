using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Audit;

/// <summary>Audit events after <see cref="AuditOptions.RetentionDays"/>.</summary>
public sealed class AuditRetention(IOptions<AuditOptions> audit) : IRetentionTask
{
    public string Name => "audit events";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var oldestAudit = now.AddDays(-audit.Value.RetentionDays);
        await db.AuditEvents.Where(e => e.At < oldestAudit).ExecuteDeleteAsync(cancellationToken);
    }
}
