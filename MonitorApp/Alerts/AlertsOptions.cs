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

/// <summary><c>Alerts:Rules:&lt;name&gt;</c>.</summary>
public sealed class AlertRuleOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>How long the condition must hold before the alert fires (0 fires at the first evaluation).</summary>
    public TimeSpan For { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long the condition must stay false before a firing alert resolves (0 resolves at once).</summary>
    public TimeSpan KeepFiringFor { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary><c>Alerts:Channels:&lt;name&gt;</c>: a webhook, a Slack incoming webhook, or e-mail.</summary>
public sealed class AlertChannelOptions
{
    public string? Kind { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>webhook, slack.</summary>
    public string? Url { get; set; }

    /// <summary>email.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? From { get; set; }
    /// <summary>One address or several separated by commas.</summary>
    public string? To { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>STARTTLS (or TLS on port 465); off only for a relay on a trusted network.</summary>
    public bool UseTls { get; set; } = true;
}
