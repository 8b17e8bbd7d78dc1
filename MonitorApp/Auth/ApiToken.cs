using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MonitorApp.Auth;

/// <summary>A machine client's credential. Only a hash of the secret is stored; the secret is shown once.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Role { get; set; }
    public required string TokenHash { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? LastUsedAt { get; set; }
    public DateTime? RevokedAt { get; set; }
    /// <summary>When the token stops working by itself; null: never (chosen explicitly, shown as such).</summary>
    public DateTime? ExpiresAt { get; set; }

    public const string Prefix = "mon_";

    /// <summary>What a token lives when nothing else is asked for, as an operator writes it (the command line's and the page's default).</summary>
    public const string DefaultLifetimeText = "90d";

    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(90);

    /// <summary>
    /// A lifetime as an operator writes it: <c>90d</c>, <c>12h</c>, <c>30m</c> (1 minute to 10 years), or <c>never</c>
    /// (null). False, with the reason, for anything else.
    /// </summary>
    public static bool TryParseLifetime(string? text, out TimeSpan? lifetime, out string? error)
    {
        lifetime = null;
        error = null;
        var value = text?.Trim().ToLowerInvariant() ?? "";
        if (value == "never")
            return true;
        if (value.Length >= 2 && long.TryParse(value[..^1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            TimeSpan? parsed = value[^1] switch
            {
                'd' when n <= 3650 => TimeSpan.FromDays(n),
                'h' when n <= 87600 => TimeSpan.FromHours(n),
                'm' when n <= 5256000 => TimeSpan.FromMinutes(n),
                _ => null,
            };
            if (parsed is { } p && p >= TimeSpan.FromMinutes(1))
            {
                lifetime = p;
                return true;
            }
        }
        error = $"'{text}' is not a lifetime: write e.g. 90d, 12h or 30m (1 minute to 10 years), or never";
        return false;
    }

    /// <summary>256 random bits, URL-safe, with a recognisable prefix (so secret scanners can find leaks).</summary>
    public static string NewSecret() => Prefix + WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    // The secret is high-entropy, so a plain SHA-256 is enough: there is nothing to brute-force.
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.Property(t => t.Name).HasMaxLength(100);
        builder.Property(t => t.Role).HasMaxLength(32);
        builder.Property(t => t.TokenHash).HasMaxLength(64);
        builder.HasIndex(t => t.Name).IsUnique();
        builder.HasIndex(t => t.TokenHash).IsUnique();
    }
}
