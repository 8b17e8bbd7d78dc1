using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Audit;

/// <summary>Section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long audit events are kept (pruned hourly by the elected instance).</summary>
    [Range(1, 3650, ErrorMessage = "Audit:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 365;
}
