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

    public const string Prefix = "mon_";

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
