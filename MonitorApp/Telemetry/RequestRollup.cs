using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Telemetry;

/// <summary>
/// Request outcomes of one service in one UTC minute, with a count per latency bucket. Rows are only ever added to (upsert with +), so
/// several app instances and the ingestion API all sum into the same row correctly.
/// </summary>
public sealed class RequestRollup
{
    public long Id { get; set; }
    public required string Service { get; set; }
    /// <summary>Minutes since the Unix epoch (UTC): "per minute/hour" is integer arithmetic in SQL.</summary>
    public long Minute { get; set; }
    public long Requests { get; set; }
    public long Errors5xx { get; set; }
    public long Errors4xx { get; set; }
    // One counter per latency bucket (le5 … le10000, le_inf): shadow properties, declared in the
    // configuration below from LatencyHistogram.UpperBoundsMs, so the list is written once.

    public static long ToMinute(DateTime utc) => (long)Math.Floor((utc - DateTime.UnixEpoch).TotalMinutes);

    public static DateTime FromMinute(long minute) => DateTime.UnixEpoch.AddMinutes(minute);
}

internal sealed class RequestRollupConfiguration : IEntityTypeConfiguration<RequestRollup>
{
    public void Configure(EntityTypeBuilder<RequestRollup> builder)
    {
        builder.ToTable("request_rollups");
        builder.Property(r => r.Service).HasMaxLength(100);
        builder.Property(r => r.Errors5xx).HasColumnName("errors_5xx");
        builder.Property(r => r.Errors4xx).HasColumnName("errors_4xx");
        foreach (var bucket in LatencyBucket.All)
            builder.Property<long>(bucket.Property).HasColumnName(bucket.Column);
        // The upsert's conflict target, and the index every time-window query uses.
        builder.HasIndex(r => new { r.Minute, r.Service }).IsUnique();
    }
}
