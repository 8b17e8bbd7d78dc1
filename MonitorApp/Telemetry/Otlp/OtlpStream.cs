using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>
/// The last cumulative histogram point MonitorApp took from one OTLP stream (resource, scope, point attributes), so the
/// next one can be turned into what happened since. Shared by every instance: an exporter's requests spread over several
/// by a load balancer still subtract from the same last point.
/// </summary>
public sealed class OtlpStream
{
    /// <summary>SHA-256 (hex) of the stream's identity: the service, the resource's and the point's attributes.</summary>
    public required string Key { get; set; }
    /// <summary>The stream's service (<c>service.name</c>), so streams can be counted per service (empty for streams kept before it was recorded).</summary>
    public string Service { get; set; } = "";
    /// <summary>The stream's start (<c>start_time_unix_nano</c>): a sender that restarts starts a new count.</summary>
    public long StartNanos { get; set; }
    public long TimeNanos { get; set; }
    /// <summary>The cumulative counts per MonitorApp latency bucket, comma-separated.</summary>
    public required string Counts { get; set; }
    public DateTime UpdatedAt { get; set; }
}

internal sealed class OtlpStreamConfiguration : IEntityTypeConfiguration<OtlpStream>
{
    public void Configure(EntityTypeBuilder<OtlpStream> builder)
    {
        builder.ToTable("otlp_streams");
        builder.HasKey(s => s.Key);
        builder.Property(s => s.Key).HasMaxLength(64);
        builder.Property(s => s.Counts).HasMaxLength(400);
        builder.HasIndex(s => s.UpdatedAt);
        builder.Property(s => s.Service).HasMaxLength(DisplayNames.MaxLength).HasDefaultValue("");
        builder.HasIndex(s => s.Service);
    }
}
