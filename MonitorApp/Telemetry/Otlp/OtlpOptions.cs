using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>
/// Section <c>Telemetry:Otlp</c>: what one OTLP export may cost. Points past a limit are refused in OTLP's
/// <c>partial_success</c> (the count and which limit), never with a 500; what fits is stored.
/// </summary>
public sealed class OtlpOptions
{
    public const string Section = "Telemetry:Otlp";

    /// <summary>Data points of <c>http.server.request.duration</c> read from one export; the rest are refused.</summary>
    [Range(1, 1_000_000, ErrorMessage = "Telemetry:Otlp:MaxPointsPerExport must be between 1 and 1000000.")]
    public int MaxPointsPerExport { get; set; } = 10_000;

    /// <summary>Cumulative streams one export may start (an SDK sends each of its streams in every export, so only its first adds many).</summary>
    [Range(1, 1_000_000, ErrorMessage = "Telemetry:Otlp:MaxNewStreamsPerExport must be between 1 and 1000000.")]
    public int MaxNewStreamsPerExport { get; set; } = 1_000;

    /// <summary>Cumulative streams kept per service (routes × methods × status codes of one service are far fewer).</summary>
    [Range(1, 10_000_000, ErrorMessage = "Telemetry:Otlp:MaxStreamsPerService must be between 1 and 10000000.")]
    public int MaxStreamsPerService { get; set; } = 10_000;

    public static string Key(string property) => $"{Section}:{property}";
}
