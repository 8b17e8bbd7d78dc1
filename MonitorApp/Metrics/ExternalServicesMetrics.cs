using System.Text.Json.Serialization;
using MonitorApp.ExternalServices;

namespace MonitorApp.Metrics;

/// <summary>The seed's shape (service name → status at the top level) with the detail under <c>services</c>.</summary>
public sealed class ExternalServicesMetrics
{
    /// <summary>daily_co, livekit, beyond_presence (and any other configured service) → operational|degraded|down|unknown.</summary>
    [JsonExtensionData]
    public Dictionary<string, object> Statuses { get; init; } = [];
    public required IReadOnlyDictionary<string, ExternalServiceFigures> Services { get; init; }
    public DateTime GeneratedAt { get; init; }
    public bool Stale { get; init; }
}
