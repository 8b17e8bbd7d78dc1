using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Telemetry;

/// <summary>
/// Request outcomes of one service in one UTC minute. Rows are only ever added to (upsert with +), so
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
    public long Le5 { get; set; }
    public long Le10 { get; set; }
    public long Le25 { get; set; }
    public long Le50 { get; set; }
    public long Le75 { get; set; }
    public long Le100 { get; set; }
    public long Le250 { get; set; }
    public long Le500 { get; set; }
    public long Le750 { get; set; }
    public long Le1000 { get; set; }
    public long Le2500 { get; set; }
    public long Le5000 { get; set; }
    public long Le7500 { get; set; }
    public long Le10000 { get; set; }
    public long LeInf { get; set; }

    /// <summary>Column names of the buckets, in <see cref="LatencyHistogram.UpperBoundsMs"/> order.</summary>
    public static readonly string[] BucketColumns =
        ["le5", "le10", "le25", "le50", "le75", "le100", "le250", "le500", "le750", "le1000", "le2500", "le5000", "le7500", "le10000", "le_inf"];

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
        builder.Property(r => r.LeInf).HasColumnName("le_inf");
        // The upsert's conflict target, and the index every time-window query uses.
        builder.HasIndex(r => new { r.Minute, r.Service }).IsUnique();
    }
}
