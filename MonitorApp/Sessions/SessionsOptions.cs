using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Sessions;

/// <summary>Section <c>Sessions</c>.</summary>
public sealed class SessionsOptions
{
    public const string Section = "Sessions";

    /// <summary>A session not ended and not heard from for this long no longer counts as active.</summary>
    [Range(1, 1440, ErrorMessage = "Sessions:StaleAfterMinutes must be between 1 and 1440.")]
    public int StaleAfterMinutes { get; set; } = 30;

    /// <summary>Sessions not heard from for this long are deleted (hourly), and events older than this are refused.</summary>
    [Range(MetricsWindows.LongestDays, 3650, ErrorMessage = "Sessions:RetentionDays must be between 30 and 3650 (at least 30: the longest figure window).")]
    public int RetentionDays { get; set; } = 90;

    /// <summary>Distinct counselor categories kept: a batch that would add more is refused whole (a runaway sender cannot fill the card).</summary>
    [Range(1, 10_000, ErrorMessage = "Sessions:MaxCategories must be between 1 and 10000.")]
    public int MaxCategories { get; set; } = 100;
}
