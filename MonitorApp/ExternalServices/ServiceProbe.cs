using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace MonitorApp.ExternalServices;

/// <summary>What one check of one service saw.</summary>
public sealed record ProbeOutcome(string Result, int? LatencyMs, string Detail);

/// <summary>Calls one service once and turns the answer (or its absence) into operational, degraded or down.</summary>
public sealed class ServiceProbe(IHttpClientFactory clients, IOptions<ExternalServicesOptions> options)
{
    public const string ClientName = "external-services";

    /// <summary>A status page is a few hundred bytes; anything much larger is not one.</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public async Task<ProbeOutcome> ProbeAsync(ExternalServiceOptions service, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Get, service.Url);
        foreach (var (name, value) in service.Headers)
            request.Headers.TryAddWithoutValidation(name, value);
        var started = Stopwatch.GetTimestamp();
        int Elapsed() => (int)Math.Round(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        try
        {
            if (service.Kind == ServiceKinds.StatusPage)
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                var latency = Elapsed();
                if (!response.IsSuccessStatusCode)
                    return new ProbeOutcome(ServiceStatus.Down, latency, $"status page answered {Describe(response)}");
                return ReadStatusPage(await response.Content.ReadAsByteArrayAsync(cancellationToken), latency);
            }
            else
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                var latency = Elapsed();
                var code = (int)response.StatusCode;
                var expected = service.ExpectedStatus is { } e ? code == e : response.IsSuccessStatusCode;
                if (!expected)
                {
                    var wanted = service.ExpectedStatus is { } want ? $"expected {want}" : "expected 2xx";
                    return new ProbeOutcome(ServiceStatus.Down, latency, $"{Describe(response)} ({wanted})");
                }
                var threshold = options.Value.DegradedLatencyMs;
                return latency > threshold
                    ? new ProbeOutcome(ServiceStatus.Degraded, latency, $"{Describe(response)} in {latency} ms, slower than {threshold} ms")
                    : new ProbeOutcome(ServiceStatus.Operational, latency, $"{Describe(response)} in {latency} ms");
            }
        }
        catch (TimeoutRejectedException)
        {
            return new ProbeOutcome(ServiceStatus.Down, null, $"no answer within {Seconds(options.Value.TimeoutSeconds)}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout: the headers came in time but the body did not.
            return new ProbeOutcome(ServiceStatus.Down, null, $"the answer did not finish within {Seconds(client.Timeout.TotalSeconds)}");
        }
        catch (HttpRequestException ex)
        {
            return new ProbeOutcome(ServiceStatus.Down, null, $"request failed: {UrlRedaction.InText(ex.Message)}");
        }
    }

    /// <summary>Atlassian Statuspage v2: <c>{"status": {"indicator": "none|minor|major|critical", "description": "…"}}</c>.</summary>
    public static ProbeOutcome ReadStatusPage(byte[] body, int latencyMs)
    {
        string? indicator, description;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind != JsonValueKind.Object
                || !json.RootElement.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.Object
                || !status.TryGetProperty("indicator", out var i) || i.ValueKind != JsonValueKind.String)
                return new ProbeOutcome(ServiceStatus.Down, latencyMs, "status page JSON has no status.indicator");
            indicator = i.GetString();
            description = status.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        }
        catch (JsonException ex)
        {
            return new ProbeOutcome(ServiceStatus.Down, latencyMs, $"status page sent malformed JSON: {ex.Message}");
        }
        var detail = string.IsNullOrWhiteSpace(description) ? $"indicator '{indicator}'" : description!;
        return indicator switch
        {
            "none" => new ProbeOutcome(ServiceStatus.Operational, latencyMs, detail),
            "minor" or "maintenance" => new ProbeOutcome(ServiceStatus.Degraded, latencyMs, detail),
            "major" or "critical" => new ProbeOutcome(ServiceStatus.Down, latencyMs, detail),
            _ => new ProbeOutcome(ServiceStatus.Down, latencyMs, $"status page indicator '{indicator}' is not one of none, minor, major, critical: {detail}"),
        };
    }

    private static string Describe(HttpResponseMessage response)
    {
        var status = string.IsNullOrEmpty(response.ReasonPhrase) ? $"HTTP {(int)response.StatusCode}" : $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
        // Redirects are not followed (the probe's headers, an API key among them, must not reach another host): say where it pointed.
        return (int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } target
            ? $"{status} redirecting to {(target.IsAbsoluteUri ? UrlRedaction.Origin(target) : "a path on the same host")} (not followed)"
            : status;
    }

    private static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
}
