namespace MonitorApp.Metrics;


/// <summary>What the health verdict is computed from. Null means "not known".</summary>
public sealed record HealthInputs(
    bool DatabaseReachable,
    long RequestsLastHour,
    double ErrorRateLastHour,
    double? ApiResponseTimeP95,
    int? PoolActive,
    int? PoolSize,
    int? PoolPending,
    IReadOnlyList<string> ServicesDown);

public sealed record HealthVerdict(HealthLevel Level, IReadOnlyList<string> Reasons);


/// <summary>
/// A pure function from figures and thresholds to a level and the reasons for it. Every threshold is
/// "worse than": a figure exactly at the threshold does not cross it (pool usage: at or above).
/// </summary>
public static class HealthEvaluator
{
    public static HealthVerdict Evaluate(HealthInputs input, HealthOptions thresholds)
    {
        var reasons = new List<(HealthLevel Level, string Text)>();

        if (!input.DatabaseReachable)
            reasons.Add((HealthLevel.Critical, "database unreachable (critical)"));

        if (input.RequestsLastHour > 0)
        {
            var rate = input.ErrorRateLastHour;
            switch (ErrorRateLevel(rate, thresholds))
            {
                case HealthLevel.Critical:
                    reasons.Add((HealthLevel.Critical, $"error rate {Format.Percent(rate)} > {Format.Percent(thresholds.ErrorRateCritical)} (critical)"));
                    break;
                case HealthLevel.Degraded:
                    reasons.Add((HealthLevel.Degraded, $"error rate {Format.Percent(rate)} > {Format.Percent(thresholds.ErrorRateDegraded)} (degraded)"));
                    break;
            }

            if (input.ApiResponseTimeP95 is { } p95)
            {
                switch (P95Level(p95, thresholds))
                {
                    case HealthLevel.Critical:
                        reasons.Add((HealthLevel.Critical, $"p95 response time {Format.Ms(p95)} > {Format.Ms(thresholds.P95CriticalMs)} (critical)"));
                        break;
                    case HealthLevel.Degraded:
                        reasons.Add((HealthLevel.Degraded, $"p95 response time {Format.Ms(p95)} > {Format.Ms(thresholds.P95DegradedMs)} (degraded)"));
                        break;
                }
            }
        }

        if (input.PoolActive is { } active && input.PoolSize is > 0 and var size)
        {
            var usage = (double)active / size;
            if (usage >= thresholds.PoolUsageDegraded)
                reasons.Add((HealthLevel.Degraded, $"database pool {active} of {size} connections in use ({Format.Percent(usage)} ≥ {Format.Percent(thresholds.PoolUsageDegraded)}) (degraded)"));
        }
        if (input.PoolPending is > 0 and var pending)
            reasons.Add((HealthLevel.Degraded, $"{pending} request(s) waiting for a database connection (degraded)"));

        foreach (var service in input.ServicesDown)
            reasons.Add((HealthLevel.Degraded, $"{service} is down (degraded)"));

        var level = reasons.Count == 0 ? HealthLevel.Healthy : reasons.Max(r => r.Level);
        return new HealthVerdict(level, reasons.OrderByDescending(r => r.Level).Select(r => r.Text).ToList());
    }

    /// <summary>Where an error rate stands against the thresholds: the rule for the health verdict, the cards and the chart's marked hours.</summary>
    public static HealthLevel ErrorRateLevel(double rate, HealthOptions thresholds) =>
        rate > thresholds.ErrorRateCritical ? HealthLevel.Critical : rate > thresholds.ErrorRateDegraded ? HealthLevel.Degraded : HealthLevel.Healthy;

    /// <summary>Where a group of requests (one service's) stands: as <see cref="Evaluate"/> judges the platform's — none is healthy, else the worse of error rate and p95.</summary>
    public static HealthLevel RequestsLevel(Telemetry.RollupTotals totals, HealthOptions thresholds)
    {
        if (totals.Requests == 0)
            return HealthLevel.Healthy;
        var errorRate = ErrorRateLevel(totals.ErrorRate ?? 0, thresholds);
        return totals.P95Ms is { } p95 && P95Level(p95, thresholds) is var latency && latency > errorRate ? latency : errorRate;
    }

    public static HealthLevel P95Level(double p95Ms, HealthOptions thresholds) =>
        p95Ms > thresholds.P95CriticalMs ? HealthLevel.Critical : p95Ms > thresholds.P95DegradedMs ? HealthLevel.Degraded : HealthLevel.Healthy;
}
