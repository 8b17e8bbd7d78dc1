using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Alerts;

/// <summary>The incident timeline, what was sent (or given up on) and ended silences after <see cref="AlertsOptions.RetentionDays"/>: an open notification is never deleted.</summary>
public sealed class AlertRetention(IOptions<AlertsOptions> alerts) : IRetentionTask
{
    public string Name => "the alert timeline";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var oldestEvent = now.AddDays(-alerts.Value.RetentionDays);
        await db.TimelineEvents.Where(e => e.At < oldestEvent).ExecuteDeleteAsync(cancellationToken);
        await db.AlertNotifications.Where(n => n.CreatedAt < oldestEvent && (n.DeliveredAt != null || n.GaveUpAt != null)).ExecuteDeleteAsync(cancellationToken);
        await db.Silences.Where(x => x.EndsAt < oldestEvent).ExecuteDeleteAsync(cancellationToken);
    }
}
