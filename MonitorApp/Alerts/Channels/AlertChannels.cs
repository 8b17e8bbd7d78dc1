using Microsoft.Extensions.Options;

namespace MonitorApp.Alerts.Channels;

/// <summary>The enabled channels of <c>Alerts:Channels</c>, by name.</summary>
public sealed class AlertChannels(IHttpClientFactory httpClients, IOptions<AlertsOptions> options)
{
    public const string HttpClientName = "alerts";

    public IEnumerable<string> Names => options.Value.Channels.Where(c => c.Value.Enabled).Select(c => c.Key).Order(StringComparer.Ordinal);

    /// <summary>The channel called <paramref name="name"/>, or null when it is no longer configured.</summary>
    public IAlertChannel? Find(string name)
    {
        if (!options.Value.Channels.TryGetValue(name, out var channel) || !channel.Enabled)
            return null;
        return channel.Kind switch
        {
            "webhook" => new WebhookChannel(httpClients.CreateClient(HttpClientName), channel.Url!),
            "slack" => new SlackChannel(httpClients.CreateClient(HttpClientName), channel.Url!),
            "email" => new EmailChannel(channel),
            _ => null,
        };
    }
}
