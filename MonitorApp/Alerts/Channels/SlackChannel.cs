using System.Text.Json;

namespace MonitorApp.Alerts.Channels;

/// <summary><c>Kind: slack</c>: a Slack-compatible incoming webhook (<c>{"text": …}</c>; Mattermost and Rocket.Chat take it too).</summary>
public sealed class SlackChannel(HttpClient http, string url) : IAlertChannel
{
    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        WebhookChannel.PostAsync(http, url, JsonSerializer.Serialize(new { text = Escape(message.Text()) }), cancellationToken);

    /// <summary>Slack's three control characters, so a provider's detail such as <c>&lt;!channel&gt;</c> pings nobody.</summary>
    public static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
