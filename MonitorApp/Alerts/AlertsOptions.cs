using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Alerts;

/// <summary>Section <c>Alerts</c>: how often the rules are evaluated, each rule's timing, and where notifications go.</summary>
public sealed class AlertsOptions
{
    public const string Section = "Alerts";

    [Range(1, 300, ErrorMessage = "Alerts:EvaluateSeconds must be between 1 and 300.")]
    public int EvaluateSeconds { get; set; } = 15;

    /// <summary>Timeline events, sent notifications and ended silences older than this are deleted (hourly).</summary>
    [Range(1, 3650, ErrorMessage = "Alerts:RetentionDays must be between 1 and 3650.")]
    public int RetentionDays { get; set; } = 90;

    /// <summary>The dashboard's address as operators reach it, sent in notifications (none when not set).</summary>
    public string? DashboardUrl { get; set; }

    /// <summary>By rule name (<see cref="AlertRules.All"/>); a rule not listed has the defaults.</summary>
    public Dictionary<string, AlertRuleOptions> Rules { get; set; } = new(StringComparer.Ordinal);

    /// <summary>By a name of the operator's choosing.</summary>
    public Dictionary<string, AlertChannelOptions> Channels { get; set; } = new(StringComparer.Ordinal);

    public AlertRuleOptions Rule(string name) => Rules.TryGetValue(name, out var rule) ? rule : new AlertRuleOptions();
}
