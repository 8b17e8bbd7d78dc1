using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Demo;

/// <summary>Section <c>Demo</c>: demo accounts and a simulated platform. On in Development, off elsewhere.</summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    [Range(1, 3600, ErrorMessage = "Demo:TickSeconds must be between 1 and 3600.")]
    public int TickSeconds { get; set; } = 5;

    /// <summary>Roughly how many sessions the simulator keeps live at once.</summary>
    [Range(1, 10_000, ErrorMessage = "Demo:TargetActiveSessions must be between 1 and 10000.")]
    public int TargetActiveSessions { get; set; } = 24;
}
