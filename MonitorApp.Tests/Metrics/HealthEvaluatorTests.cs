using MonitorApp.Metrics;

namespace MonitorApp.Tests.Metrics;

public sealed class HealthEvaluatorTests
{
    private static readonly HealthOptions Defaults = new();

    private static HealthInputs Quiet => new(true, 1000, 0, 100, 1, 10, 0, []);

    private static HealthVerdict Evaluate(HealthInputs input) => HealthEvaluator.Evaluate(input, Defaults);

    [SkippableFact]
    public void NothingWrong_IsHealthyWithoutReasons()
    {
        var verdict = Evaluate(Quiet);
        Assert.Equal(HealthLevel.Healthy, verdict.Level);
        Assert.Empty(verdict.Reasons);
    }

    [SkippableTheory]
    [InlineData(0.02, HealthLevel.Healthy, null)]
    [InlineData(0.0201, HealthLevel.Degraded, "error rate 2.01 % > 2 % (degraded)")]
    [InlineData(0.031, HealthLevel.Degraded, "error rate 3.1 % > 2 % (degraded)")]
    [InlineData(0.05, HealthLevel.Degraded, "error rate 5 % > 2 % (degraded)")]
    [InlineData(0.0501, HealthLevel.Critical, "error rate 5.01 % > 5 % (critical)")]
    public void ErrorRate_AtEachEdge(double rate, HealthLevel level, string? reason)
    {
        var verdict = Evaluate(Quiet with { ErrorRateLastHour = rate });
        Assert.Equal(level, verdict.Level);
        Assert.Equal(reason is null ? [] : [reason], verdict.Reasons);
    }

    [SkippableTheory]
    [InlineData(500, HealthLevel.Healthy, null)]
    [InlineData(500.1, HealthLevel.Degraded, "p95 response time 500.1 ms > 500 ms (degraded)")]
    [InlineData(1000, HealthLevel.Degraded, "p95 response time 1000 ms > 500 ms (degraded)")]
    [InlineData(1000.1, HealthLevel.Critical, "p95 response time 1000.1 ms > 1000 ms (critical)")]
    public void P95_AtEachEdge(double p95, HealthLevel level, string? reason)
    {
        var verdict = Evaluate(Quiet with { ApiResponseTimeP95 = p95 });
        Assert.Equal(level, verdict.Level);
        Assert.Equal(reason is null ? [] : [reason], verdict.Reasons);
    }

    [SkippableFact]
    public void NoTraffic_IsNotAnError()
    {
        Assert.Equal(HealthLevel.Healthy, Evaluate(Quiet with { RequestsLastHour = 0, ErrorRateLastHour = 0, ApiResponseTimeP95 = null }).Level);
    }

    [SkippableFact]
    public void DatabaseUnreachable_IsCritical()
    {
        var verdict = Evaluate(Quiet with { DatabaseReachable = false });
        Assert.Equal(HealthLevel.Critical, verdict.Level);
        Assert.Equal(["database unreachable (critical)"], verdict.Reasons);
    }

    [SkippableTheory]
    [InlineData(8, 10, 0, HealthLevel.Healthy)]
    [InlineData(9, 10, 0, HealthLevel.Degraded)]
    [InlineData(10, 10, 0, HealthLevel.Degraded)]
    [InlineData(1, 10, 1, HealthLevel.Degraded)]
    [InlineData(5, null, null, HealthLevel.Healthy)] // SQLite: no pool size, nothing to judge
    public void Pool_AtOrAboveNinetyPercentOrWithWaiters_IsDegraded(int active, int? size, int? pending, HealthLevel level)
    {
        var verdict = Evaluate(Quiet with { PoolActive = active, PoolSize = size, PoolPending = pending });
        Assert.Equal(level, verdict.Level);
        if (level == HealthLevel.Degraded)
            Assert.Single(verdict.Reasons, r => r.Contains("database", StringComparison.Ordinal) && r.EndsWith("(degraded)", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ServiceDown_IsDegradedNamingIt()
    {
        var verdict = Evaluate(Quiet with { ServicesDown = ["LiveKit"] });
        Assert.Equal(HealthLevel.Degraded, verdict.Level);
        Assert.Equal(["LiveKit is down (degraded)"], verdict.Reasons);
    }

    [SkippableFact]
    public void SeveralProblems_TakeTheWorstLevel_AndListEveryReasonWorstFirst()
    {
        var verdict = Evaluate(Quiet with { ErrorRateLastHour = 0.03, ApiResponseTimeP95 = 1500, PoolPending = 2 });
        Assert.Equal(HealthLevel.Critical, verdict.Level);
        Assert.Equal(3, verdict.Reasons.Count);
        Assert.EndsWith("(critical)", verdict.Reasons[0]);
    }

    [SkippableFact]
    public void CustomThresholds_AreUsed()
    {
        var strict = new HealthOptions { ErrorRateDegraded = 0.001, ErrorRateCritical = 0.01 };
        Assert.Equal(HealthLevel.Critical, HealthEvaluator.Evaluate(Quiet with { ErrorRateLastHour = 0.011 }, strict).Level);
    }

    [SkippableTheory]
    [InlineData(0.05, 0.02, "Health:ErrorRateDegraded (0.05) must be below Health:ErrorRateCritical (0.02)")]
    [InlineData(0.02, 1.5, "Health:ErrorRateCritical is a fraction")]
    public void InvalidThresholds_AreRejectedNamingTheKey(double degraded, double critical, string message)
    {
        var options = new HealthOptions { ErrorRateDegraded = degraded, ErrorRateCritical = critical };
        var results = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).ToList();
        Assert.Contains(results, r => r.ErrorMessage!.Contains(message, StringComparison.Ordinal));
    }
}
