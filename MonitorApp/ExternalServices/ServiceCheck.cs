using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.ExternalServices;

public static class ServiceStatus
{
    public const string Operational = "operational";
    public const string Degraded = "degraded";
    public const string Down = "down";
    public const string Unknown = "unknown";
}

/// <summary>
/// One probe of one external service. <see cref="Result"/> is what this check saw; <see cref="Status"/>
/// is what the service is called after it, once the flap guard has had its say (one failed check
/// after a good one does not make a service down).
/// </summary>
public sealed class ServiceCheck
{
    public long Id { get; set; }
    public required string Service { get; set; }
    public DateTime CheckedAt { get; set; }
    /// <summary>operational, degraded or down: this check's own outcome.</summary>
    public required string Result { get; set; }
    /// <summary>operational, degraded, down or unknown: the service's status after this check.</summary>
    public required string Status { get; set; }
    /// <summary>When <see cref="Status"/> last changed (so "down since 14:02" costs no history scan).</summary>
    public DateTime StatusSince { get; set; }
    public int ConsecutiveFailures { get; set; }
    /// <summary>Null when no answer came (timeout, connection error).</summary>
    public int? LatencyMs { get; set; }
    public required string Detail { get; set; }

    public const int MaxDetailLength = 500;

    /// <summary>A detail cut to what the column holds (a provider's error text can be long).</summary>
    public static string Clip(string detail) => detail.Length <= MaxDetailLength ? detail : detail[..(MaxDetailLength - 1)] + "…";
}

internal sealed class ServiceCheckConfiguration : IEntityTypeConfiguration<ServiceCheck>
{
    public void Configure(EntityTypeBuilder<ServiceCheck> builder)
    {
        builder.ToTable("service_checks");
        builder.Property(c => c.Service).HasMaxLength(50);
        builder.Property(c => c.Result).HasMaxLength(20);
        builder.Property(c => c.Status).HasMaxLength(20);
        builder.Property(c => c.Detail).HasMaxLength(ServiceCheck.MaxDetailLength);
        // Uptime windows and "latest check per service" both read by service, then time.
        builder.HasIndex(c => new { c.Service, c.CheckedAt });
        builder.HasIndex(c => c.CheckedAt);
    }
}
