using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>Request rollups after <see cref="TelemetryOptions.RetentionDays"/>, and cumulative OTLP streams not heard from for as long.</summary>
public sealed class TelemetryRetention(IOptions<TelemetryOptions> telemetry, ServiceLimit services) : IRetentionTask
{
    public string Name => "request rollups";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var oldestMinute = RequestRollup.ToMinute(now.AddDays(-telemetry.Value.RetentionDays));
        var oldestRollupHour = RequestRollup.HourOf(oldestMinute);
        await db.RequestRollupHours.Where(r => r.Hour < oldestRollupHour).ExecuteDeleteAsync(cancellationToken);
        await db.RequestRollups.Where(r => r.Minute < oldestMinute).ExecuteDeleteAsync(cancellationToken);
        // A cumulative OTLP stream not heard from for as long as rollups are kept: its sender is gone (were it to come back
        // with the same start, its whole count would be taken again, and that much is older than any figure shows).
        var quietSince = now.AddDays(-telemetry.Value.RetentionDays);
        await db.OtlpStreams.Where(s => s.UpdatedAt < quietSince).ExecuteDeleteAsync(cancellationToken);
        services.Forget(); // a service whose last rows went no longer counts toward Telemetry:MaxServices
    }
}
