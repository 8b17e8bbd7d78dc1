using System.Security.Cryptography;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Auth;

/// <summary>
/// One sign-in, kept on the server: the cookie carries its id (<see cref="Claim"/>), and a cookie whose session has ended,
/// sat idle too long or lived too long stops working at its next request, wherever it was copied to.
/// </summary>
public sealed class SignInSession
{
    public const string Claim = "monitor:sid";

    public required string Id { get; set; }
    public required string UserId { get; set; }
    public DateTime CreatedAt { get; set; }
    /// <summary>The last request the person made (a background refresh does not count), to a minute's precision.</summary>
    public DateTime LastActiveAt { get; set; }
    public DateTime? EndedAt { get; set; }

    public static string NewId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(24));

    /// <summary>
    /// Ends a session on the server (once: an ended one keeps its first end) and tells every instance its user's sign-ins
    /// changed (LISTEN/NOTIFY), so a copy of its cookie is refused everywhere at its next request.
    /// </summary>
    public static async Task EndAsync(Data.MonitorDbContext db, Data.ClusterNotifications cluster, string sessionId, string userId, DateTime at,
        CancellationToken cancellationToken)
    {
        await db.Set<SignInSession>().Where(s => s.Id == sessionId && s.EndedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.EndedAt, at), cancellationToken);
        await cluster.NotifyAsync(db, RecentSignInChecks.ClusterTopic, userId, cancellationToken);
    }
}

internal sealed class SignInSessionConfiguration : IEntityTypeConfiguration<SignInSession>
{
    public void Configure(EntityTypeBuilder<SignInSession> builder)
    {
        builder.ToTable("sign_in_sessions");
        builder.Property(s => s.Id).HasMaxLength(40);
        builder.Property(s => s.UserId).HasMaxLength(450);
        builder.HasIndex(s => s.UserId);
        builder.HasIndex(s => s.CreatedAt);
    }
}
