using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Sessions;

/// <summary>
/// Sessions started in one UTC hour (by <see cref="Session.StartedAt"/>) in one category, kept as
/// sessions arrive so that "started in the last 30 days, by category" reads a few hundred small rows
/// instead of every session. Moved exactly when a session's start or category changes.
/// </summary>
public sealed class SessionStartCount
{
    /// <summary>Hours since the Unix epoch (UTC).</summary>
    public long Hour { get; set; }
    public int CategoryId { get; set; }
    public long Sessions { get; set; }
}

/// <summary>
/// Sessions whose latest quality report fell in one UTC hour (by <see cref="Session.QualityAt"/>), per
/// level: the distribution and the average quality read these. Moved exactly when a session's quality changes.
/// </summary>
public sealed class SessionQualityCount
{
    /// <summary>Hours since the Unix epoch (UTC).</summary>
    public long Hour { get; set; }
    public ConnectionQuality Quality { get; set; }
    public long Sessions { get; set; }
}

internal sealed class SessionStartCountConfiguration : IEntityTypeConfiguration<SessionStartCount>
{
    public void Configure(EntityTypeBuilder<SessionStartCount> builder)
    {
        builder.ToTable("session_start_counts");
        builder.HasKey(c => new { c.Hour, c.CategoryId });
        builder.HasOne<CounselorCategory>().WithMany().HasForeignKey(c => c.CategoryId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SessionQualityCountConfiguration : IEntityTypeConfiguration<SessionQualityCount>
{
    public void Configure(EntityTypeBuilder<SessionQualityCount> builder)
    {
        builder.ToTable("session_quality_counts");
        builder.HasKey(c => new { c.Hour, c.Quality });
        builder.Property(c => c.Quality).HasConversion(WireNames.QualityConverter).HasMaxLength(16);
    }
}
