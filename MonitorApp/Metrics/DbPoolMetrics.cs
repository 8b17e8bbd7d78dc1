namespace MonitorApp.Metrics;

public sealed record DbPoolMetrics(
    string Provider,
    int? Active,
    int? Idle,
    int? Size,
    int? Pending,
    double? WaitP95Ms,
    [property: System.Text.Json.Serialization.JsonPropertyName("open_samples_5m")] int OpenSamples5m,
    IReadOnlyDictionary<string, string> Unknown,
    DateTime GeneratedAt);
