using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Alerts;

/// <summary>
/// An alert that is pending or firing (an inactive or resolved one has no row): kept in the database so a restart or
/// a failover carries on the same incident instead of starting (and notifying) a new one.
/// </summary>
public sealed class AlertState
{
    public const string Pending = "pending";
    public const string Firing = "firing";
    /// <summary>What an alert becomes when it ends (no row any more): in the timeline and in notifications.</summary>
    public const string Resolved = "resolved";
    /// <summary>A pending alert whose condition stopped before it fired.</summary>
    public const string Inactive = "inactive";

    public required string Rule { get; set; }
    /// <summary>The service for <c>service_down</c>; empty for the other rules.</summary>
    public string Subject { get; set; } = "";
    public required string State { get; set; }
    /// <summary>Since when the condition has held (the start of the pending period).</summary>
    public DateTime ActiveSince { get; set; }
    public DateTime? FiredAt { get; set; }
    /// <summary>While firing: since when the condition has been false (resolves after KeepFiringFor).</summary>
    public DateTime? ClearSince { get; set; }
    public double? Value { get; set; }
    public double? Threshold { get; set; }
    public string Reason { get; set; } = "";
    /// <summary>Stable for one incident: the same in its firing and its resolved notification.</summary>
    public string Fingerprint { get; set; } = "";
    /// <summary>Whether its firing was sent (not when silenced): only then is its resolution.</summary>
    public bool Notified { get; set; }
}

internal sealed class AlertStateConfiguration : IEntityTypeConfiguration<AlertState>
{
    public void Configure(EntityTypeBuilder<AlertState> builder)
    {
        builder.ToTable("alert_states");
        builder.HasKey(a => new { a.Rule, a.Subject });
        builder.Property(a => a.Rule).HasMaxLength(64);
        builder.Property(a => a.Subject).HasMaxLength(DisplayNames.MaxLength);
        builder.Property(a => a.State).HasMaxLength(16);
        builder.Property(a => a.Reason).HasMaxLength(1000);
        builder.Property(a => a.Fingerprint).HasMaxLength(32);
    }
}
