using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Telemetry;

/// <summary>Section <c>Telemetry</c>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Telemetry";

    /// <summary>The service name this app's own requests are recorded under.</summary>
    [Required, StringLength(100, MinimumLength = 1)]
    public string ServiceName { get; set; } = "monitor-app";

    /// <summary>Count this app's own HTTP requests (the dashboard, its API) in the error rate and p95.</summary>
    public bool RecordOwnRequests { get; set; } = true;

    /// <summary>How often in-memory request counts are written to the database (at most 10 s).</summary>
    [Range(1, 10, ErrorMessage = "Telemetry:FlushSeconds must be between 1 and 10.")]
    public int FlushSeconds { get; set; } = 10;

    [Range(1, 3650, ErrorMessage = "Telemetry:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>Distinct services with request rollups (this app's own included): a batch that would add more is refused whole.</summary>
    [Range(1, 1000, ErrorMessage = "Telemetry:MaxServices must be between 1 and 1000.")]
    public int MaxServices { get; set; } = 50;
}
