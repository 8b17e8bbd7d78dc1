using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Alerts;

/// <summary>A rule (or one service's <c>service_down</c>) that notifies nobody until <see cref="EndsAt"/>; its alerts still show.</summary>
public sealed class Silence
{
    public long Id { get; set; }
    public required string Rule { get; set; }
    /// <summary>One service for <c>service_down</c>; empty for every subject of the rule.</summary>
    public string Subject { get; set; } = "";
    public DateTime StartsAt { get; set; }
    public DateTime EndsAt { get; set; }
    public required string Comment { get; set; }
    public required string CreatedBy { get; set; }
    /// <summary>Whether its end has been written to the timeline.</summary>
    public bool EndRecorded { get; set; }

    /// <summary>What it silences, as the timeline and the audit trail name it: the rule, and the service when it is one service's.</summary>
    public string What => Subject.Length == 0 ? Rule : $"{Rule} {Subject}";

    public bool Covers(string rule, string subject, DateTime at) =>
        Rule == rule && (Subject.Length == 0 || Subject == subject) && StartsAt <= at && at < EndsAt;
}

internal sealed class SilenceConfiguration : IEntityTypeConfiguration<Silence>
{
    public void Configure(EntityTypeBuilder<Silence> builder)
    {
        builder.ToTable("alert_silences");
        builder.HasIndex(s => s.EndsAt);
        builder.Property(s => s.Rule).HasMaxLength(64);
        builder.Property(s => s.Subject).HasMaxLength(DisplayNames.MaxLength);
        builder.Property(s => s.Comment).HasMaxLength(500);
        builder.Property(s => s.CreatedBy).HasMaxLength(256);
    }
}
