using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Web;

/// <summary>Section <c>RateLimits</c>: how much one caller may ask for. Over a limit: 429 with <c>Retry-After</c>.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Ingestion batches per API token per minute (a burst of that many, then refilled evenly).</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:IngestPerTokenPerMinute must be between 1 and 1000000.")]
    public int IngestPerTokenPerMinute { get; set; } = 600;

    /// <summary><c>/readyz</c> requests per client address per minute (each asks the database).</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:ReadyzPerAddressPerMinute must be between 1 and 1000000.")]
    public int ReadyzPerAddressPerMinute { get; set; } = 120;

    /// <summary>Unknown, revoked or expired API tokens per client address per minute; past it, tokens from there are not even looked up.</summary>
    [Range(1, 1_000_000, ErrorMessage = "RateLimits:FailedTokensPerAddressPerMinute must be between 1 and 1000000.")]
    public int FailedTokensPerAddressPerMinute { get; set; } = 20;
}
