using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace MonitorApp.Alerts;

/// <summary>
/// What a notification says, as the webhook channel posts it (the JSON names are the contract). Slack and e-mail
/// render the same facts as text.
/// </summary>
public sealed record AlertMessage(
    [property: JsonPropertyName("rule")] string Rule,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("threshold")] double? Threshold,
    [property: JsonPropertyName("started_at")] DateTime StartedAt,
    [property: JsonPropertyName("resolved_at")] DateTime? ResolvedAt,
    [property: JsonPropertyName("reasons")] IReadOnlyList<string> Reasons,
    [property: JsonPropertyName("dashboard_url")] string? DashboardUrl,
    [property: JsonPropertyName("fingerprint")] string Fingerprint,
    [property: JsonPropertyName("service")] string? Service)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static AlertMessage FromJson(string json) => JsonSerializer.Deserialize<AlertMessage>(json, Json)!;

    /// <summary>"[FIRING] error_rate_critical (critical)" or with the service: "[RESOLVED] service_down livekit (degraded)".</summary>
    public string Title => $"[{State.ToUpperInvariant()}] {Rule}{(Service is null ? "" : " " + Service)} ({Severity})";

    /// <summary>The whole message as plain text, for Slack and e-mail.</summary>
    public string Text()
    {
        var lines = new List<string> { Title };
        lines.AddRange(Reasons);
        lines.Add(ResolvedAt is { } resolved
            ? $"Fired {Time(StartedAt)}, resolved {Time(resolved)} ({Math.Max(1, (int)Math.Round((resolved - StartedAt).TotalMinutes))} min)."
            : $"Firing since {Time(StartedAt)}.");
        if (DashboardUrl is not null)
            lines.Add($"Dashboard: {DashboardUrl}");
        lines.Add($"Incident {Fingerprint}");
        return string.Join('\n', lines);
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
