using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Metrics;

/// <summary>Section <c>Health</c>: the thresholds that turn figures into healthy, degraded or critical.</summary>
public sealed class HealthOptions : IValidatableObject
{
    public const string Section = "Health";

    /// <summary>Fraction of requests with status ≥ 500 over the last hour.</summary>
    public double ErrorRateDegraded { get; set; } = 0.02;
    public double ErrorRateCritical { get; set; } = 0.05;
    public double P95DegradedMs { get; set; } = 500;
    public double P95CriticalMs { get; set; } = 1000;
    /// <summary>Fraction of the pool's maximum in use.</summary>
    public double PoolUsageDegraded { get; set; } = 0.9;
    /// <summary>Share of a video provider's measurement windows in the last hour with MOS below 3.0 (rule <c>quality_poor_share</c>).</summary>
    public double QualityPoorShareDegraded { get; set; } = 0.2;
    /// <summary>Fewer windows than this in the last hour are too few to judge a provider's poor share on.</summary>
    public int QualityMinWindows { get; set; } = 20;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(ErrorRateDegraded), ErrorRateDegraded), (nameof(ErrorRateCritical), ErrorRateCritical), (nameof(PoolUsageDegraded), PoolUsageDegraded), (nameof(QualityPoorShareDegraded), QualityPoorShareDegraded) })
        {
            if (value is < 0 or > 1 || double.IsNaN(value))
                yield return new ValidationResult($"Health:{name} is a fraction and must be between 0 and 1 (got {value}).", [name]);
        }
        if (QualityMinWindows < 1)
            yield return new ValidationResult($"Health:QualityMinWindows must be at least 1 (got {QualityMinWindows}).", [nameof(QualityMinWindows)]);
        if (ErrorRateDegraded >= ErrorRateCritical)
            yield return new ValidationResult($"Health:ErrorRateDegraded ({ErrorRateDegraded}) must be below Health:ErrorRateCritical ({ErrorRateCritical}).", [nameof(ErrorRateDegraded)]);
        if (P95DegradedMs <= 0 || double.IsNaN(P95DegradedMs))
            yield return new ValidationResult($"Health:P95DegradedMs must be above 0 (got {P95DegradedMs}).", [nameof(P95DegradedMs)]);
        if (P95DegradedMs >= P95CriticalMs)
            yield return new ValidationResult($"Health:P95DegradedMs ({P95DegradedMs}) must be below Health:P95CriticalMs ({P95CriticalMs}).", [nameof(P95DegradedMs)]);
    }
}
