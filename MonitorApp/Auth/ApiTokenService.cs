using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public sealed record ApiTokenRow(string Name, string Role, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt);

/// <summary>Creates, lists and revokes API tokens; used by the CLI and the admin pages alike.</summary>
public sealed class ApiTokenService(MonitorDbContext db, TimeProvider time)
{
    /// <summary>Returns the secret (to be shown once), or null when the name is taken.</summary>
    public async Task<string?> CreateAsync(string name, string role, CancellationToken cancellationToken)
    {
        if (!Roles.TokenRoles.Contains(role))
            throw new ArgumentException($"Unknown token role '{role}'.", nameof(role));
        if (await db.ApiTokens.AnyAsync(t => t.Name == name, cancellationToken))
            return null;
        var secret = ApiToken.NewSecret();
        db.ApiTokens.Add(new ApiToken
        {
            Name = name,
            Role = role,
            TokenHash = ApiToken.Hash(secret),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
        return secret;
    }

    public Task<List<ApiTokenRow>> ListAsync(CancellationToken cancellationToken) =>
        db.ApiTokens.AsNoTracking()
            .OrderBy(t => t.Name)
            .Select(t => new ApiTokenRow(t.Name, t.Role, t.CreatedAt, t.LastUsedAt, t.RevokedAt))
            .ToListAsync(cancellationToken);

    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return await db.ApiTokens
            .Where(t => t.Name == name && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken) > 0;
    }
}
