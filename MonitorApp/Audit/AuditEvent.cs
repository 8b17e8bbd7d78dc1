using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Audit;

/// <summary>
/// One thing that happened to access: who did it (<see cref="Actor"/>), to whom or what (<see cref="Target"/>), from where,
/// and how it ended. Never a password, a token's secret or a TOTP code.
/// </summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTime At { get; set; }
    /// <summary>One of <see cref="AuditActions.All"/>.</summary>
    public required string Action { get; set; }
    /// <summary>The signed-in person's e-mail, <c>token:&lt;name&gt;</c>, <c>cli</c>, or the e-mail a sign-in was tried with.</summary>
    public string? Actor { get; set; }
    /// <summary>The user or token acted on (an e-mail, <c>token:&lt;name&gt;</c>), or the limit that was tripped.</summary>
    public string? Target { get; set; }
    public string? Address { get; set; }
    /// <summary>success, failure or refused.</summary>
    public required string Outcome { get; set; }
    /// <summary>A few words more (the reason of a failure, the new role); never a secret.</summary>
    public string? Detail { get; set; }
}

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.Property(e => e.Action).HasMaxLength(32);
        builder.Property(e => e.Actor).HasMaxLength(AuditLog.MaxText);
        builder.Property(e => e.Target).HasMaxLength(AuditLog.MaxText);
        builder.Property(e => e.Address).HasMaxLength(64);
        builder.Property(e => e.Outcome).HasMaxLength(16);
        builder.Property(e => e.Detail).HasMaxLength(AuditLog.MaxText);
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.Action, e.At });
    }
}
