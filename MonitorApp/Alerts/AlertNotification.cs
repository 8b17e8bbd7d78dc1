using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Alerts;

/// <summary>
/// One notification for one channel, written in the same transaction as the alert's change (so none that was due
/// is lost in a crash) and unique per incident, channel and state (so none is sent twice by a restart or a failover).
/// Delivered by <see cref="AlertDelivery"/>, retried with backoff for up to an hour.
/// </summary>
public sealed class AlertNotification
{
    public long Id { get; set; }
    public required string Fingerprint { get; set; }
    public required string Channel { get; set; }
    /// <summary>firing or resolved.</summary>
    public required string State { get; set; }
    public required string Rule { get; set; }
    public string Subject { get; set; } = "";
    /// <summary>The message as JSON (<see cref="AlertMessage"/>): every channel renders it.</summary>
    public required string Message { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? DeliveredAt { get; set; }
    public DateTime? GaveUpAt { get; set; }
    public string? LastError { get; set; }
}

internal sealed class AlertNotificationConfiguration : IEntityTypeConfiguration<AlertNotification>
{
    public void Configure(EntityTypeBuilder<AlertNotification> builder)
    {
        builder.ToTable("alert_notifications");
        builder.HasIndex(n => new { n.Fingerprint, n.Channel, n.State }).IsUnique();
        builder.HasIndex(n => new { n.DeliveredAt, n.GaveUpAt, n.NextAttemptAt });
        builder.HasIndex(n => n.CreatedAt);
        builder.Property(n => n.Fingerprint).HasMaxLength(32);
        builder.Property(n => n.Channel).HasMaxLength(100);
        builder.Property(n => n.State).HasMaxLength(16);
        builder.Property(n => n.Rule).HasMaxLength(64);
        builder.Property(n => n.Subject).HasMaxLength(DisplayNames.MaxLength);
        builder.Property(n => n.LastError).HasMaxLength(1000);
    }
}
