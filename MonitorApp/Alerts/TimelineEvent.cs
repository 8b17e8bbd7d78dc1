using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Alerts;

/// <summary>
/// One entry of the incident timeline: a health change, an external service's status change, an alert's state change
/// or a silence, with its time and reasons — what happened while nobody watched.
/// </summary>
public sealed class TimelineEvent
{
    public const string Health = "health";
    public const string Service = "service";
    public const string Alert = "alert";
    public const string Silence = "silence";

    public long Id { get; set; }
    public DateTime At { get; set; }
    public required string Kind { get; set; }
    /// <summary>The rule, service or "system".</summary>
    public required string Subject { get; set; }
    /// <summary>The state it went to: healthy/degraded/critical, operational/down…, pending/firing/resolved, silenced.</summary>
    public required string State { get; set; }
    public string? PreviousState { get; set; }
    public required string Summary { get; set; }
    /// <summary>The reasons, one per line.</summary>
    public string Reasons { get; set; } = "";
}

internal sealed class TimelineEventConfiguration : IEntityTypeConfiguration<TimelineEvent>
{
    public void Configure(EntityTypeBuilder<TimelineEvent> builder)
    {
        builder.ToTable("timeline_events");
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Kind, e.Subject, e.At });
        builder.Property(e => e.Kind).HasMaxLength(16);
        builder.Property(e => e.Subject).HasMaxLength(DisplayNames.MaxLength + 64);
        builder.Property(e => e.State).HasMaxLength(32);
        builder.Property(e => e.PreviousState).HasMaxLength(32);
        builder.Property(e => e.Summary).HasMaxLength(500);
        builder.Property(e => e.Reasons).HasMaxLength(4000);
    }
}
