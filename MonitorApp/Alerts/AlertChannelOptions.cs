namespace MonitorApp.Alerts;

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
