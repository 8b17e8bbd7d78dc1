using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;
using MonitorApp.Telemetry;

namespace MonitorApp.Metrics;

/// <summary>One service's requests over a window, with the level its error rate and p95 reach on the health thresholds.</summary>
public sealed record ServiceRow(string Service, long Requests, long Errors, double? ErrorRate, double? P95Ms, HealthLevel Level);

/// <summary>
/// Which service? Per-service figures as of the current snapshot: the last hour is the snapshot's; the last day and one
/// service's hours for the chart are read when first asked for and shared until the next snapshot (<see cref="PerSnapshotCache"/>).
/// </summary>
public sealed class ServiceFigures(PerSnapshotCache cache, MetricsSnapshotService snapshots, IOptions<HealthOptions> health)
{
    /// <summary>The windows per-service figures are read over.</summary>
    public static readonly MetricsWindow[] Windows = [MetricsWindow.Hour, MetricsWindow.Day];

    /// <summary>
    /// Every service with requests in the window (one of <see cref="Windows"/>), worst first: the last hour is the snapshot's
    /// own (the platform's figures are its sum), the last day read once per snapshot.
    /// </summary>
    public async Task<(MetricsSnapshot Snapshot, IReadOnlyList<ServiceRow> Rows)> ByServiceAsync(MetricsWindow window, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(cancellationToken);
        if (window == MetricsWindow.Hour)
            return (snapshot, snapshot.ServicesLastHour ?? throw new DatabaseUnreachableException());
        var rows = await cache.GetAsync("services:" + window.Name(), snapshot, async db =>
            Rows(await RollupReader.ByServiceAsync(db, RequestRollup.ToMinute(snapshot.GeneratedAt), lastDay: true, cancellationToken), health.Value));
        return (snapshot, rows);
    }

    /// <summary>Each service's figures and level, worst first (then by error rate, p95 and name).</summary>
    public static IReadOnlyList<ServiceRow> Rows(IReadOnlyDictionary<string, RollupTotals> byService, HealthOptions t) => byService
        .Select(s => new ServiceRow(s.Key, s.Value.Requests, s.Value.Errors5xx, s.Value.ErrorRate, s.Value.P95Ms, HealthEvaluator.RequestsLevel(s.Value, t)))
        .OrderByDescending(r => r.Level).ThenByDescending(r => r.ErrorRate ?? 0).ThenByDescending(r => r.P95Ms ?? 0).ThenBy(r => r.Service, StringComparer.Ordinal)
        .ToList();

    /// <summary>The snapshot with its hourly series replaced by <paramref name="service"/>'s alone (same hours, empty ones included).</summary>
    public async Task<MetricsSnapshot> ForServiceAsync(string service, CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(cancellationToken);
        var hourly = await cache.GetAsync("hourly:" + service, snapshot, async db =>
        {
            var nowMinute = RequestRollup.ToMinute(snapshot.GeneratedAt);
            var byHour = await RollupReader.HourlyAsync(db, nowMinute, MetricsSnapshotService.MaxHours, service, cancellationToken);
            return MetricsSnapshotService.HourPoints(nowMinute, byHour);
        });
        return snapshot with { Hourly = hourly };
    }

    /// <summary>
    /// The hourly error-rate series as the API and the dashboard's chart carry it: the whole platform's with the hours an alert
    /// fired in, or one service's alone (the alert marks are the platform's, so they stay off it).
    /// </summary>
    public async Task<ErrorRateSeries> ErrorRateAsync(string? service, int hours, IReadOnlySet<DateTime> alertHours, CancellationToken cancellationToken)
    {
        var snapshot = service is null ? await snapshots.GetAsync(cancellationToken) : await ForServiceAsync(service, cancellationToken);
        return MetricsJson.ToErrorRate(snapshot, hours, health.Value, service is null ? alertHours : null);
    }

    /// <summary>Why <paramref name="service"/> (a query parameter) is not a service name, for a ProblemDetails; null when it is one.</summary>
    public static string? NameProblem(string service) =>
        DisplayNames.Problem(service) is { } problem ? $"'{service}' is not a service name: {problem}" : null;
}
