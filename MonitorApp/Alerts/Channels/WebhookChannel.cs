using System.Net.Http.Headers;
using System.Text;

namespace MonitorApp.Alerts.Channels;

/// <summary><c>Kind: webhook</c>: posts the message as JSON; any 2xx is delivered.</summary>
public sealed class WebhookChannel(HttpClient http, string url) : IAlertChannel
{
    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) => PostAsync(http, url, message.ToJson(), cancellationToken);

    internal static async Task PostAsync(HttpClient http, string url, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PostAsync(url, content, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{UrlRedaction.Origin(url)} answered {(int)response.StatusCode} {response.ReasonPhrase}");
    }
}
