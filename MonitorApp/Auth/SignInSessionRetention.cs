using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>Sign-in sessions a day after they ended or could no longer be used (a wall screen's sign-in may live longer than a person's).</summary>
public sealed class SignInSessionRetention(IOptions<AuthOptions> auth) : IRetentionTask
{
    public string Name => "sign-in sessions";

    public async Task PruneAsync(MonitorDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var sessionsBefore = now.AddDays(-1);
        var startedBefore = sessionsBefore - (auth.Value.WallScreenLifetime > auth.Value.AbsoluteLifetime ? auth.Value.WallScreenLifetime : auth.Value.AbsoluteLifetime);
        await db.SignInSessions.Where(s => s.EndedAt < sessionsBefore || s.CreatedAt < startedBefore).ExecuteDeleteAsync(cancellationToken);
    }
}
