using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>
/// At start, encrypts authenticator keys and hashes recovery codes stored in plain text by an earlier build (Data Protection
/// cannot run inside a SQL migration). Idempotent: rows already converted are left alone.
/// </summary>
public sealed class SecretsAtRestConversion(ILogger<SecretsAtRestConversion> logger) : IStartupSeed
{
    public async Task SeedAsync(IServiceProvider scoped, CancellationToken cancellationToken)
    {
        var db = scoped.GetRequiredService<MonitorDbContext>();
        var keys = ProtectedSecretsUserStore.Protector(scoped.GetRequiredService<IDataProtectionProvider>());
        var plain = await db.Set<IdentityUserToken<string>>()
            .Where(t => t.LoginProvider == ProtectedSecretsUserStore.StoreProvider
                && (t.Name == ProtectedSecretsUserStore.AuthenticatorKeyName || t.Name == ProtectedSecretsUserStore.RecoveryCodesName)
                && t.Value != null && !t.Value.StartsWith(ProtectedSecretsUserStore.Encrypted) && !t.Value.StartsWith(ProtectedSecretsUserStore.Hashed))
            .ToListAsync(cancellationToken);
        var converted = 0;
        foreach (var token in plain)
        {
            if (token.Name == ProtectedSecretsUserStore.AuthenticatorKeyName)
            {
                token.Value = ProtectedSecretsUserStore.Seal(keys, token.Value!);
            }
            else
            {
                var codes = token.Value!.Split(';', StringSplitOptions.RemoveEmptyEntries);
                if (codes.All(c => c.StartsWith(ProtectedSecretsUserStore.Hashed, StringComparison.Ordinal)))
                    continue;
                token.Value = string.Join(";", codes.Select(ProtectedSecretsUserStore.HashCode));
            }
            converted++;
        }
        if (converted == 0)
            return;
        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Encrypted or hashed {Count} second-factor secret(s) stored in plain text by an earlier build", converted);
    }
}
