using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>
/// Authenticator codes (RFC 6238: HMAC-SHA1, 30-second steps, six digits) that count once: a code is accepted for the step
/// now or one step either side (a phone's clock a little off), and only for a step later than the last one this user signed
/// in or enrolled with. The step is recorded with a conditional update, so the same code sent twice at once, to two
/// instances, signs in once. (Identity's own provider accepts ±2 steps and keeps no record: a code seen over a shoulder
/// could be used again for two minutes.)
/// </summary>
public sealed class OneUseAuthenticatorCodes(MonitorDbContext db, TimeProvider time) : IUserTwoFactorTokenProvider<AppUser>
{
    public const int StepSeconds = 30;

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    /// <summary>The code comes from the person's app, never from the server.</summary>
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult(string.Empty);

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        if (token.Length != 6 || !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            return false;
        if (await manager.GetAuthenticatorKeyAsync(user) is not { Length: > 0 } base32 || Base32(base32) is not { } key)
            return false;
        var now = time.GetUtcNow().ToUnixTimeSeconds() / StepSeconds;
        for (var step = now - 1; step <= now + 1; step++)
        {
            if (Code(key, step) != code)
                continue;
            var taken = await db.Set<AppUser>()
                .Where(u => u.Id == user.Id && (u.LastAuthenticatorStep == null || u.LastAuthenticatorStep < step))
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.LastAuthenticatorStep, step));
            if (taken == 0)
                return false; // this code, or a later one, was used already
            user.LastAuthenticatorStep = step;
            if (db.Entry(user) is { State: not EntityState.Detached } entry)
                entry.Property(u => u.LastAuthenticatorStep).OriginalValue = step;
            return true;
        }
        return false;
    }

    private static int Code(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[20];
        HMACSHA1.HashData(key, counter, hash);
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return binary % 1_000_000;
    }

    /// <summary>RFC 4648 base32 (the key as authenticator apps are given it); null when it is not base32.</summary>
    private static byte[]? Base32(string text)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var bytes = new List<byte>(text.Length * 5 / 8);
        int buffer = 0, bits = 0;
        foreach (var c in text.TrimEnd('='))
        {
            var value = alphabet.IndexOf(char.ToUpperInvariant(c));
            if (value < 0)
                return null;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bytes.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return [.. bytes];
    }
}
