using MonitorApp.Metrics;

namespace MonitorApp.Alerts;

/// <summary>One shipped rule: its name (the configuration key and the wire name), severity, what it watches, and the unit of its figure.</summary>
public sealed record AlertRule(string Name, HealthLevel Severity, string Watches, FigureUnit Unit = FigureUnit.None);

/// <summary>
/// A rule's condition at one evaluation, for one subject (the service for <c>service_down</c>, the provider for
/// <c>quality_poor_share</c>, else empty): whether it holds — null when it cannot be judged this round, and the alert keeps
/// its state — the figure and the threshold it was judged against, and the reason in words.
/// </summary>
public sealed record AlertCondition(string Rule, string Subject, bool? Holds, double? Value, double? Threshold, string Reason);

/// <summary>
/// The shipped rules, written once; their conditions use the <c>Health:</c> thresholds — the health verdict's own, and the
/// per-provider poor share, which the verdict does not weigh.
/// </summary>
public static class AlertRules
{
    public const string ErrorRateDegraded = "error_rate_degraded";
    public const string ErrorRateCritical = "error_rate_critical";
    public const string P95Degraded = "p95_degraded";
    public const string P95Critical = "p95_critical";
    public const string ServiceDown = "service_down";
    public const string DatabaseUnreachable = "database_unreachable";
    public const string PoolSaturated = "pool_saturated";
    public const string QualityPoorShare = "quality_poor_share";

    public static readonly IReadOnlyList<AlertRule> All =
    [
        new(ErrorRateDegraded, HealthLevel.Degraded, "error rate over the last hour above Health:ErrorRateDegraded", FigureUnit.Share),
        new(ErrorRateCritical, HealthLevel.Critical, "error rate over the last hour above Health:ErrorRateCritical", FigureUnit.Share),
        new(P95Degraded, HealthLevel.Degraded, "p95 response time over the last hour above Health:P95DegradedMs", FigureUnit.Milliseconds),
        new(P95Critical, HealthLevel.Critical, "p95 response time over the last hour above Health:P95CriticalMs", FigureUnit.Milliseconds),
        new(ServiceDown, HealthLevel.Degraded, "an external service is down (one alert per service)"),
        new(DatabaseUnreachable, HealthLevel.Critical, "the figures cannot be read from the database"),
        new(PoolSaturated, HealthLevel.Degraded, "database pool use at or above Health:PoolUsageDegraded, or requests waiting for a connection", FigureUnit.Share),
        new(QualityPoorShare, HealthLevel.Degraded,
            $"a video provider's share of poor windows ({Quality.Mos.PoorMeans}) in the last hour above Health:QualityPoorShareDegraded, over at least Health:QualityMinWindows windows (one alert per provider)", FigureUnit.Share),
    ];

    /// <summary>The rules with one alert per subject (an external service, a video provider), which a silence may narrow to one.</summary>
    public static readonly IReadOnlyList<string> PerSubject = [ServiceDown, QualityPoorShare];

    public static readonly IReadOnlyDictionary<string, AlertRule> ByName = All.ToDictionary(r => r.Name);

    public static string Severity(string rule) => ByName.TryGetValue(rule, out var r) ? r.Severity.Name() : "unknown";

    /// <summary>
    /// Every condition the snapshot decides. While the database is unreachable the other figures are the last good ones,
    /// not current: only <see cref="DatabaseUnreachable"/> is decided then, and the other alerts keep their state.
    /// </summary>
    /// <param name="quality">Each provider's last hour, or null when it could not be read (no provider is judged then).</param>
    public static IEnumerable<AlertCondition> Evaluate(MetricsSnapshot s, HealthOptions t, IReadOnlyList<ProviderQuality>? quality)
    {
        yield return new(DatabaseUnreachable, "", s.Stale, null, null, s.Stale ? $"database unreachable ({s.StaleReason})" : "database reachable");
        if (s.Stale)
            yield break;

        var measured = s.RequestsLastHour > 0;
        var rate = s.ErrorRateLastHour;
        yield return new(ErrorRateDegraded, "", measured && rate > t.ErrorRateDegraded, rate, t.ErrorRateDegraded,
            $"error rate {Format.Percent(rate)} over {s.RequestsLastHour} requests in the last hour (degraded above {Format.Percent(t.ErrorRateDegraded)})");
        yield return new(ErrorRateCritical, "", measured && rate > t.ErrorRateCritical, rate, t.ErrorRateCritical,
            $"error rate {Format.Percent(rate)} over {s.RequestsLastHour} requests in the last hour (critical above {Format.Percent(t.ErrorRateCritical)})");

        var p95 = s.ApiResponseTimeP95;
        var p95Text = p95 is { } ms ? Format.Ms(ms) : "unknown";
        yield return new(P95Degraded, "", measured && p95 > t.P95DegradedMs, p95, t.P95DegradedMs,
            $"p95 response time {p95Text} in the last hour (degraded above {Format.Ms(t.P95DegradedMs)})");
        yield return new(P95Critical, "", measured && p95 > t.P95CriticalMs, p95, t.P95CriticalMs,
            $"p95 response time {p95Text} in the last hour (critical above {Format.Ms(t.P95CriticalMs)})");

        double? usage = s.DbPool is { Active: { } active, Size: > 0 and var size } ? (double)active / size : null;
        var pending = s.DbPool.Pending ?? 0;
        yield return new(PoolSaturated, "", usage >= t.PoolUsageDegraded || pending > 0, usage, t.PoolUsageDegraded,
            usage is { } u
                ? $"database pool {s.DbPool.Active} of {s.DbPool.Size} connections in use ({Format.Percent(u)}), {pending} waiting (degraded at {Format.Percent(t.PoolUsageDegraded)})"
                : $"database pool use unknown, {pending} waiting");

        foreach (var service in s.ExternalServices)
            yield return new(ServiceDown, service.Name, service.Status == "down", null, null, $"{service.DisplayName} is {service.Status}: {service.Detail}");

        foreach (var provider in WireNames.ProviderNames)
        {
            if (quality is null)
            {
                yield return new(QualityPoorShare, provider, null, null, t.QualityPoorShareDegraded, $"{provider}: measured quality could not be read");
                continue;
            }
            var figures = quality.FirstOrDefault(q => q.Provider == provider);
            if (figures is not { PoorShare: { } share })
            {
                // No call measured in the whole hour: nothing is poor.
                yield return new(QualityPoorShare, provider, false, null, t.QualityPoorShareDegraded, $"{provider}: no measured windows in the last hour");
                continue;
            }
            if (figures.Windows < t.QualityMinWindows)
            {
                // Too few to judge either way: an alert keeps its state (calls collapsing must not close it).
                yield return new(QualityPoorShare, provider, null, null, t.QualityPoorShareDegraded,
                    $"{provider}: {figures.Windows} measured windows in the last hour, too few to judge (at least {t.QualityMinWindows})");
                continue;
            }
            yield return new(QualityPoorShare, provider, share > t.QualityPoorShareDegraded, share, t.QualityPoorShareDegraded,
                $"{provider}: {Format.Percent(share)} of {figures.Windows} windows poor ({Quality.Mos.PoorMeans}) in the last hour, mostly {figures.MainReason ?? "none"} (degraded above {Format.Percent(t.QualityPoorShareDegraded)})");
        }
    }
}
