using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Auth;

/// <summary>Section <c>RateLimits</c>: how much one caller may ask for. Over a limit: 429 with <c>Retry-After</c>.</summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string Section = "RateLimits";

    /// <summary>A limit's configuration key (<c>RateLimits:…</c>), as messages and the audit trail name it: pass <c>nameof(Property)</c>.</summary>
    public static string Key(string property) => $"{Section}:{property}";

    /// <summary>Ingestion batches per API token per minute (a burst of that many, then refilled evenly).</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:IngestPerTokenPerMinute must be between 1 and 1000000.")]
    public int IngestPerTokenPerMinute { get; set; } = 600;

    /// <summary><c>/readyz</c> requests per client address per minute (each asks the database).</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:ReadyzPerAddressPerMinute must be between 1 and 1000000.")]
    public int ReadyzPerAddressPerMinute { get; set; } = 120;

    /// <summary>Unknown, revoked or expired API tokens per client address per minute; past it, tokens from there are not even looked up.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:FailedTokensPerAddressPerMinute must be between 1 and 1000000.")]
    public int FailedTokensPerAddressPerMinute { get; set; } = 20;

    /// <summary>Sign-in attempts (password or authenticator code) from one client address per minute, whatever the account.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:SignInsPerAddressPerMinute must be between 1 and 1000000.")]
    public int SignInsPerAddressPerMinute { get; set; } = 10;

    /// <summary>Sign-in attempts for one account from one address per <see cref="SignInWindowMinutes"/>: past it that address waits, every other goes on.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:SignInsPerAccountAndAddress must be between 1 and 1000000.")]
    public int SignInsPerAccountAndAddress { get; set; } = 10;

    /// <summary>
    /// Sign-in attempts for one account from all addresses per <see cref="SignInWindowMinutes"/>: past it the account is refused
    /// for the rest of the window. Keep it several times <see cref="SignInsPerAccountAndAddress"/>, so one address alone cannot reach it.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:SignInsPerAccount must be between 1 and 1000000.")]
    public int SignInsPerAccount { get; set; } = 50;

    [Range(1, 1440, ErrorMessage = "RateLimits:SignInWindowMinutes must be between 1 and 1440.")]
    public int SignInWindowMinutes { get; set; } = 15;

    /// <summary>
    /// The most callers (addresses, accounts, address-and-account pairs, devices) each in-memory limit keeps count of at once.
    /// Past it, counts whose window has ended are dropped, then the oldest, so no flood of new names or addresses grows memory
    /// (about 200 bytes a caller) or locks out callers it does not name.
    /// </summary>
    [Range(100, 10_000_000, ErrorMessage = "RateLimits:MaxTrackedKeys must be between 100 and 10000000.")]
    public int MaxTrackedKeys { get; set; } = 50_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // Else one address alone could use up an account's allowance and keep its owner out.
        if (SignInsPerAccount <= SignInsPerAccountAndAddress)
            yield return new ValidationResult($"{Key(nameof(SignInsPerAccount))} must be larger than {Key(nameof(SignInsPerAccountAndAddress))} (several times it), or one address could lock an account for everyone.",
                [nameof(SignInsPerAccount)]);
    }
}
