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

    public static long ToMinute(DateTime utc) => TimeBuckets.Minute(utc);

    public static DateTime FromMinute(long minute) => TimeBuckets.MinuteStart(minute);

    /// <summary>The hour (since the epoch) a minute falls in.</summary>
    public static long HourOf(long minute) => TimeBuckets.HourOfMinute(minute);
}

/// <summary>
/// The same counts per service and UTC hour, written together with the minute rows, so that a week of
/// hourly figures reads 168 rows per service instead of 10,080.
/// </summary>
public sealed class RequestRollupHour
{
    public long Id { get; set; }
    public required string Service { get; set; }
    /// <summary>Hours since the Unix epoch (UTC): the minute divided by 60.</summary>
    public long Hour { get; set; }
    public long Requests { get; set; }
    public long Errors5xx { get; set; }
    public long Errors4xx { get; set; }
}

internal sealed class RequestRollupConfiguration : IEntityTypeConfiguration<RequestRollup>
{
    public void Configure(EntityTypeBuilder<RequestRollup> builder)
    {
        builder.ToTable(RollupTables.Minute.Table);
        RollupTables.ConfigureCounters(builder);
        // The upsert's conflict target, and the index every time-window query uses.
        builder.HasIndex(r => new { r.Minute, r.Service }).IsUnique();
    }
}

internal sealed class RequestRollupHourConfiguration : IEntityTypeConfiguration<RequestRollupHour>
{
    public void Configure(EntityTypeBuilder<RequestRollupHour> builder)
    {
        builder.ToTable(RollupTables.Hour.Table);
        RollupTables.ConfigureCounters(builder);
        builder.HasIndex(r => new { r.Hour, r.Service }).IsUnique();
    }
}

/// <summary>The two rollup tables: same counters, one keyed by minute and one by hour.</summary>
public sealed record RollupTables(string Table, string TimeColumn)
{
    public static readonly RollupTables Minute = new("request_rollups", "minute");
    public static readonly RollupTables Hour = new("request_rollups_hourly", "hour");

    /// <summary>Service, the error counters and one counter per latency bucket (shadow properties from the bucket list).</summary>
    internal static void ConfigureCounters<T>(EntityTypeBuilder<T> builder) where T : class
    {
        builder.Property<string>("Service").HasMaxLength(DisplayNames.MaxLength);
        builder.Property<long>("Errors5xx").HasColumnName("errors_5xx");
        builder.Property<long>("Errors4xx").HasColumnName("errors_4xx");
        foreach (var bucket in LatencyBucket.All)
            builder.Property<long>(bucket.Property).HasColumnName(bucket.Column);
    }
}
