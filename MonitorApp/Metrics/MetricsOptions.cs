using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Metrics;

/// <summary>Section <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    public const string Section = "Metrics";

    [Range(1, 300, ErrorMessage = "Metrics:SnapshotSeconds must be between 1 and 300.")]
    public int SnapshotSeconds { get; set; } = 5;
}
