using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public sealed record ApiTokenRow(string Name, string Role, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? RevokedAt, DateTime? ExpiresAt)
{
    /// <summary>active, revoked, expired at <paramref name="now"/>, or refused (a role tokens may no longer have).</summary>
    public string StateAt(DateTime now) =>
        RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : !Roles.TokenRoles.Contains(Role) ? "refused (role)" : "active";
}

/// <summary>Creates, lists and revokes API tokens; used by the CLI and the admin pages alike.</summary>
public sealed class ApiTokenService(MonitorDbContext db, TimeProvider time, RecentlyVerifiedTokens recentlyVerified, ClusterNotifications cluster, Audit.AuditLog audit)
{
    /// <summary>Returns the secret, to be shown once; the token expires after the default lifetime.</summary>
    public Task<string> CreateAsync(string name, string role, CancellationToken cancellationToken) =>
        CreateAsync(name, role, ApiToken.DefaultLifetime, cancellationToken);

    /// <summary>Returns the secret, to be shown once; refuses an unknown role or a name already taken. A null lifetime: never expires.</summary>
    public async Task<string> CreateAsync(string name, string role, TimeSpan? lifetime, CancellationToken cancellationToken)
    {
        if (!Roles.TokenRoles.Contains(role))
            throw new AdminRefusal($"unknown role '{role}'; use one of {string.Join(", ", Roles.TokenRoles)}", "role");
        if (await db.ApiTokens.AnyAsync(t => t.Name == name, cancellationToken))
            throw new AdminRefusal($"a token named '{name}' already exists", "name");
        var secret = ApiToken.NewSecret();
        var now = time.GetUtcNow().UtcDateTime;
        await db.InOneTransactionAsync(async () =>
        {
            db.ApiTokens.Add(new ApiToken
            {
                Name = name,
                Role = role,
                TokenHash = ApiToken.Hash(secret),
                CreatedAt = now,
                ExpiresAt = now + lifetime,
            });
            await db.SaveChangesAsync(cancellationToken);
            await audit.RecordAsync(Audit.AuditActions.TokenCreated, Audit.AuditActions.Success, target: $"token:{name}",
                detail: $"{role}, {(lifetime is { } l ? $"expires {now + l:yyyy-MM-dd HH:mm} UTC" : "never expires")}", cancellationToken: cancellationToken);
        }, cancellationToken);
        return secret;
    }

    public Task<List<ApiTokenRow>> ListAsync(CancellationToken cancellationToken) =>
        db.ApiTokens.AsNoTracking()
            .OrderBy(t => t.Name)
            .Select(t => new ApiTokenRow(t.Name, t.Role, t.CreatedAt, t.LastUsedAt, t.RevokedAt, t.ExpiresAt))
            .ToListAsync(cancellationToken);

    /// <summary>Revokes an active token; refuses a name with no active token.</summary>
    public async Task RevokeAsync(string name, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await db.InOneTransactionAsync(async () =>
        {
            var revoked = await db.ApiTokens
                .Where(t => t.Name == name && t.RevokedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            if (revoked == 0)
                throw new AdminRefusal($"no active token named '{name}'");
            await cluster.NotifyAsync(db, RecentlyVerifiedTokens.ClusterTopic, name, cancellationToken);
            await audit.RecordAsync(Audit.AuditActions.TokenRevoked, Audit.AuditActions.Success, target: $"token:{name}", cancellationToken: cancellationToken);
        }, cancellationToken);
        recentlyVerified.ForgetName(name);
    }
}
