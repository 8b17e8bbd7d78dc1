using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Alerts;

/// <summary>One try at delivering a notification, kept so a failing channel can be seen and diagnosed.</summary>
public sealed class AlertDeliveryAttempt
{
    public long Id { get; set; }
    public long NotificationId { get; set; }
    public DateTime At { get; set; }
    public bool Succeeded { get; set; }
    public string? Error { get; set; }
}

internal sealed class AlertDeliveryAttemptConfiguration : IEntityTypeConfiguration<AlertDeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<AlertDeliveryAttempt> builder)
    {
        builder.ToTable("alert_delivery_attempts");
        builder.HasOne<AlertNotification>().WithMany().HasForeignKey(a => a.NotificationId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_alert_delivery_attempts_alert_notifications_notification_id");
        builder.HasIndex(a => a.NotificationId);
        builder.Property(a => a.Error).HasMaxLength(1000);
    }
}
