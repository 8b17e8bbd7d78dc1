using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>
/// Identity's store with the second factor's secrets kept unreadable at rest: the authenticator key encrypted with the
/// app's Data Protection keys (<c>dp1:</c> before the ciphertext), recovery codes as salted PBKDF2 hashes (<c>h1:</c>).
/// A database dump alone then shows neither, when the key ring is protected by <c>DataProtection:CertificatePath</c>;
/// without a certificate the key ring is in the same database and a dump carries what decrypts the keys (the hashes
/// still hide the recovery codes). Rows written before are converted at start by <see cref="SecretsAtRestConversion"/>.
/// </summary>
public sealed class ProtectedSecretsUserStore(MonitorDbContext context, IDataProtectionProvider protection, IdentityErrorDescriber? describer = null)
    : UserStore<AppUser, IdentityRole, MonitorDbContext>(context, describer)
{
    public const string StoreProvider = "[AspNetUserStore]";
    public const string AuthenticatorKeyName = "AuthenticatorKey";
    public const string RecoveryCodesName = "RecoveryCodes";
    internal const string Encrypted = "dp1:";
    internal const string Hashed = "h1:";
    private const int Iterations = 20_000;

    private readonly IDataProtector keys = Protector(protection);

    internal static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("MonitorApp.Auth.AuthenticatorKey.v1");

    public override async Task<string?> GetAuthenticatorKeyAsync(AppUser user, CancellationToken cancellationToken) =>
        await GetTokenAsync(user, StoreProvider, AuthenticatorKeyName, cancellationToken) is { } stored ? Reveal(keys, stored) : null;

    public override Task SetAuthenticatorKeyAsync(AppUser user, string key, CancellationToken cancellationToken) =>
        SetTokenAsync(user, StoreProvider, AuthenticatorKeyName, Seal(keys, key), cancellationToken);

    public override Task ReplaceCodesAsync(AppUser user, IEnumerable<string> recoveryCodes, CancellationToken cancellationToken) =>
        SetTokenAsync(user, StoreProvider, RecoveryCodesName, string.Join(";", recoveryCodes.Select(HashCode)), cancellationToken);

    public override async Task<bool> RedeemCodeAsync(AppUser user, string code, CancellationToken cancellationToken)
    {
        var stored = (await GetTokenAsync(user, StoreProvider, RecoveryCodesName, cancellationToken) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries);
        var match = Array.FindIndex(stored, s => Matches(s, code));
        if (match < 0)
            return false;
        await SetTokenAsync(user, StoreProvider, RecoveryCodesName, string.Join(";", stored.Where((_, i) => i != match)), cancellationToken);
        return true;
    }

    public override async Task<int> CountCodesAsync(AppUser user, CancellationToken cancellationToken) =>
        (await GetTokenAsync(user, StoreProvider, RecoveryCodesName, cancellationToken) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries).Length;

    internal static string Seal(IDataProtector keys, string key) => Encrypted + keys.Protect(key);

    /// <summary>The key in plain text (one stored before it was encrypted is read as it is, until the start converts it).</summary>
    internal static string Reveal(IDataProtector keys, string stored) =>
        stored.StartsWith(Encrypted, StringComparison.Ordinal) ? keys.Unprotect(stored[Encrypted.Length..]) : stored;

    internal static bool IsSealed(string stored) => stored.StartsWith(Encrypted, StringComparison.Ordinal);

    /// <summary>A recovery code as stored: <c>h1:</c>, a random salt and PBKDF2-SHA256 of the code (codes are random, so this many rounds is plenty).</summary>
    internal static string HashCode(string code)
    {
        if (code.StartsWith(Hashed, StringComparison.Ordinal))
            return code; // already hashed (a conversion run twice)
        var salt = RandomNumberGenerator.GetBytes(16);
        return Hashed + Convert.ToBase64String(salt) + "$" + Convert.ToBase64String(Derive(code, salt));
    }

    private static bool Matches(string stored, string code)
    {
        if (!stored.StartsWith(Hashed, StringComparison.Ordinal))
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(stored), Encoding.UTF8.GetBytes(code));
        var parts = stored[Hashed.Length..].Split('$');
        return parts.Length == 2 && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[1]), Derive(code, Convert.FromBase64String(parts[0])));
    }

    private static byte[] Derive(string code, byte[] salt) => Rfc2898DeriveBytes.Pbkdf2(code, salt, Iterations, HashAlgorithmName.SHA256, 32);
}
