namespace MonitorApp.Alerts;

/// <summary><c>Alerts:Rules:&lt;name&gt;</c>.</summary>
public sealed class AlertRuleOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long the condition must hold before the alert fires (0 fires at the first evaluation).</summary>
    public TimeSpan For { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the condition must stay false before a firing alert resolves (0 resolves at once).</summary>
    public TimeSpan KeepFiringFor { get; set; } = TimeSpan.FromMinutes(5);
}
