using System.Text.RegularExpressions;
using System.ComponentModel.DataAnnotations;

namespace MonitorApp.ExternalServices;

/// <summary>Section <c>ExternalServices</c>: which providers are probed, how often and how strictly.</summary>
public sealed partial class ExternalServicesOptions : IValidatableObject
{
    public const string Section = "ExternalServices";

    [Range(5, 3600, ErrorMessage = "ExternalServices:IntervalSeconds must be between 5 and 3600.")]
    public int IntervalSeconds { get; set; } = 60;

    [Range(0.001, 60, ErrorMessage = "ExternalServices:TimeoutSeconds must be above 0 and at most 60.")]
    public double TimeoutSeconds { get; set; } = 5;

    /// <summary>An <c>http</c> check answering correctly but slower than this is degraded.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "ExternalServices:DegradedLatencyMs must be at least 1.")]
    public int DegradedLatencyMs { get; set; } = 2000;

    /// <summary>Consecutive failed checks before a service is called down (one failure is a blip, not an outage).</summary>
    [Range(1, 100, ErrorMessage = "ExternalServices:FailuresBeforeDown must be between 1 and 100.")]
    public int FailuresBeforeDown { get; set; } = 2;

    /// <summary>At least the longest uptime window (30 days).</summary>
    [Range(MetricsWindows.LongestDays, 3650, ErrorMessage = "ExternalServices:RetentionDays must be between 30 (the longest uptime window) and 3650.")]
    public int RetentionDays { get; set; } = 30;

    /// <summary>Keyed by the name used in the JSON (<c>daily_co</c>, <c>livekit</c>, …).</summary>
    public Dictionary<string, ExternalServiceOptions> Services { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The names API consumers were promised; they always appear in the JSON, configured or not.</summary>
    public static readonly string[] ContractNames = ["daily_co", "livekit", "beyond_presence"];

    private static readonly HashSet<string> ReservedNames = ["services", "generated_at", "stale"];

    [GeneratedRegex("^[a-z0-9_]{1,50}$")]
    private static partial Regex NamePattern();

    /// <summary>Checks the whole section at start-up; every message names the key to fix.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        const string s = Section;
        var errors = new List<string>();
        if (TimeoutSeconds > 0 && TimeoutSeconds >= IntervalSeconds)
            errors.Add($"{s}:TimeoutSeconds ({TimeoutSeconds}) must be below {s}:IntervalSeconds ({IntervalSeconds}) so a round ends before the next begins.");

        foreach (var (key, service) in Services)
        {
            var prefix = $"{s}:Services:{key}";
            if (!NamePattern().IsMatch(key) || ReservedNames.Contains(key))
                errors.Add($"{prefix}: a service name must be 1-50 characters of a-z, 0-9 and _, and not one of {string.Join(", ", ReservedNames)}.");
            if (!service.Enabled)
                continue;
            if (string.IsNullOrWhiteSpace(service.DisplayName))
                errors.Add($"{prefix}:DisplayName is required.");
            if (service.Kind is not (ServiceKinds.StatusPage or ServiceKinds.Http))
                errors.Add($"{prefix}:Kind must be '{ServiceKinds.StatusPage}' or '{ServiceKinds.Http}' (got '{service.Kind}').");
            if (!Uri.TryCreate(service.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                errors.Add($"{prefix}:Url must be an absolute http or https URL (got '{service.Url}').");
            if (service.ExpectedStatus is { } expected && (expected is < 100 or > 599 || service.Kind != ServiceKinds.Http))
                errors.Add($"{prefix}:ExpectedStatus must be an HTTP status from 100 to 599, and only for Kind 'http' (got {expected}).");
            foreach (var header in service.Headers.Keys)
            {
                if (string.IsNullOrWhiteSpace(header) || header.Any(c => c <= ' ' || c == ':' || c > '~'))
                    errors.Add($"{prefix}:Headers: '{header}' is not a valid header name.");
            }
        }
        return errors.Select(e => new ValidationResult(e));
    }
}

public sealed class ExternalServiceOptions
{
    public string? DisplayName { get; set; }
    /// <summary><c>statuspage</c> (Atlassian Statuspage v2 <c>status.json</c>) or <c>http</c>.</summary>
    public string? Kind { get; set; }
    public string? Url { get; set; }
    /// <summary>For <c>http</c>: the status that means "up" (default: any 2xx).</summary>
    public int? ExpectedStatus { get; set; }
    /// <summary>Request headers (API keys). An empty value means "not configured": the service is not probed.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>False removes a service that <c>appsettings.json</c> lists (configuration can only add keys).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Why this service is not probed, or null when it is.</summary>
    public string? NotProbedReason()
    {
        if (!Enabled)
            return "not configured (disabled in configuration)";
        var empty = Headers.Where(h => string.IsNullOrWhiteSpace(h.Value)).Select(h => h.Key).ToList();
        return empty.Count > 0 ? $"not configured ({string.Join(", ", empty)} is empty)" : null;
    }
}

public static class ServiceKinds
{
    public const string StatusPage = "statuspage";
    public const string Http = "http";
}
