using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Sessions;

/// <summary>
/// One live video session as the platform reports it. Deliberately holds nothing that identifies a
/// person: the platform's opaque session id, a category, a provider, times and a quality level.
/// </summary>
public sealed class Session
{
    public required string SessionId { get; init; }
    public int CategoryId { get; set; }
    public CounselorCategory? Category { get; set; }
    public VideoProvider Provider { get; set; }
    public DateTime StartedAt { get; set; }
    public DateTime LastSeenAt { get; set; }
    public DateTime? EndedAt { get; set; }
    public ConnectionQuality? Quality { get; set; }
    public DateTime? QualityAt { get; set; }
}

public sealed class CounselorCategory
{
    public int Id { get; set; }
    public required string Name { get; set; }
}

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.HasKey(s => s.SessionId);
        builder.Property(s => s.SessionId).HasMaxLength(SessionEventRules.MaxSessionIdLength);
        builder.Property(s => s.Provider).HasConversion(WireNames.ProviderConverter).HasMaxLength(32);
        builder.Property(s => s.Quality).HasConversion(WireNames.QualityConverter).HasMaxLength(16);
        builder.HasOne(s => s.Category).WithMany().HasForeignKey(s => s.CategoryId).OnDelete(DeleteBehavior.Restrict);
        // A session's stats windows go with it (declared here: stats know nothing of sessions).
        builder.HasMany<Quality.SessionStatsRow>().WithOne().HasForeignKey(w => w.SessionId).OnDelete(DeleteBehavior.Cascade)
            .HasConstraintName("fk_session_stats_sessions_session_id");
        // "Active now" = not ended and seen recently; "started since" drives the 30-day figures.
        builder.HasIndex(s => new { s.EndedAt, s.LastSeenAt });
        builder.HasIndex(s => s.StartedAt);
        // The first hour of each quality window is counted from the sessions themselves.
        builder.HasIndex(s => s.QualityAt);
    }
}

internal sealed class CounselorCategoryConfiguration : IEntityTypeConfiguration<CounselorCategory>
{
    public void Configure(EntityTypeBuilder<CounselorCategory> builder)
    {
        builder.ToTable("counselor_categories");
        builder.Property(c => c.Name).HasMaxLength(SessionEventRules.MaxCategoryLength);
        builder.HasIndex(c => c.Name).IsUnique();
    }
}
