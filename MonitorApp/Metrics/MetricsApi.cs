using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using System.Text.Json.Serialization;
using MonitorApp.Auth;
using MonitorApp.Api;
using MonitorApp.ExternalServices;

namespace MonitorApp.Metrics;

public sealed record CurrentMetrics(
    long? ActiveSessionsCount,
    string AvgConnectionQuality,
    double ErrorRateLastHour,
    double? ApiResponseTimeP95,
    int? DbPoolActive,
    int? DbPoolSize,
    string SystemHealth,
    int? DbPoolIdle,
    int? DbPoolPending,
    double? DbPoolWaitP95Ms,
    string DbProvider,
    IReadOnlyList<string> HealthReasons,
    long RequestsLastHour,
    DateTime GeneratedAt,
    bool Stale,
    double StaleSeconds,
    string? StaleReason,
    IReadOnlyDictionary<string, string> Unknown);

public sealed record SessionMetrics(
    string Window,
    long TotalSessions,
    IReadOnlyDictionary<string, long> SessionsByCategory,
    IReadOnlyDictionary<string, double> ConnectionQualityDistribution,
    IReadOnlyDictionary<string, long> ConnectionQualityCounts,
    DateTime GeneratedAt,
    bool Stale);

/// <summary><see cref="Level"/>: where the hour's error rate stands against the thresholds (null without requests).</summary>
public sealed record ErrorRatePoint(DateTime Hour, long Requests, long Errors, double? ErrorRate, double? P95Ms, string? Level, bool AlertFired = false);

public sealed record ErrorRateThresholds(double ErrorRateDegraded, double ErrorRateCritical, double P95DegradedMs, double P95CriticalMs);

/// <summary>One service's figures over a window; <c>level</c> is healthy, degraded or critical on the health thresholds.</summary>
public sealed record ServiceMetrics(string Service, long Requests, long Errors, double? ErrorRate, double? P95Ms, string Level);

public sealed record ServicesMetrics(string Window, DateTime GeneratedAt, bool Stale, IReadOnlyList<ServiceMetrics> Services);

public sealed record ErrorRateSeries(int Hours, IReadOnlyList<ErrorRatePoint> Points, ErrorRateThresholds Thresholds, DateTime GeneratedAt, bool Stale);

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

/// <summary><c>/api/admin/metrics/*</c>: the latest snapshot as JSON, for SYSTEM_MONITOR and SUPER_ADMIN.</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/metrics")
            .RequireAuthorization(Policies.Monitor)
            .WithTags("Metrics")
            .WithNoStore()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        group.MapGet("/current", CurrentAsync).WithSummary("Headline figures and system health with its reasons.");
        group.MapGet("/sessions", SessionsAsync).WithSummary("Sessions started in a window (1h, 24h, 7d, 30d; default 30d), by category, and the connection-quality distribution.")
            .ProducesValidationProblem();
        group.MapGet("/error-rate", ErrorRateAsync).WithSummary("Hourly requests, errors, error rate and p95 (oldest first, current hour last, empty hours included) with the thresholds.")
            .ProducesValidationProblem();
        group.MapGet("/services", ServicesAsync).WithSummary("Which service? One row per service with requests in the window (1h or 24h; default 1h), worst first: requests, errors (5xx), error rate, p95 and the level they reach on the health thresholds.")
            .ProducesValidationProblem();
        group.MapGet("/quality", QualityAsync).WithSummary("Measured connection quality per video provider over a window (1h, 24h or 7d; default 1h), worst first: windows, MOS median and 10th percentile, poor share, send and receive medians, relay share, and what cost the poor windows.")
            .ProducesValidationProblem();
        group.MapGet("/db-pool", DbPoolAsync).WithSummary("The database connection pool of the running provider.");
        group.MapGet("/external-services", ExternalServicesAsync)
            .WithSummary("Each video provider's status (operational, degraded, down, unknown) at the top level; under `services`, the last check, since when, and uptime over 24 h, 7 d and 30 d.");
        return app;
    }

    public static CurrentMetrics ToCurrent(MetricsSnapshot s, DateTime now) => new(
        s.ActiveSessions,
        s.AvgConnectionQuality,
        Math.Round(s.ErrorRateLastHour, 6),
        Round1(s.ApiResponseTimeP95),
        s.DbPool.Active,
        s.DbPool.Size,
        s.Health.Level.Name(),
        s.DbPool.Idle,
        s.DbPool.Pending,
        Round1(s.DbPool.WaitP95Ms),
        s.DbPool.Provider,
        s.Health.Reasons,
        s.RequestsLastHour,
        s.GeneratedAt,
        s.Stale,
        Math.Round(s.AgeAt(now).TotalSeconds, 1),
        s.StaleReason,
        s.Unknown);

    private static async Task<Ok<CurrentMetrics>> CurrentAsync(MetricsSnapshotService snapshots, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(ToCurrent(await snapshots.GetAsync(ct), time.GetUtcNow().UtcDateTime));

    private static async Task<Results<Ok<SessionMetrics>, ValidationProblem>> SessionsAsync(string? window, MetricsSnapshotService snapshots, CancellationToken ct)
    {
        window ??= MetricsWindow.Month.Name();
        if (!MetricsWindows.ByName.ContainsKey(window))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [$"'{window}' is not one of {MetricsWindows.Names}."] });
        return TypedResults.Ok(ToSessions(await snapshots.GetAsync(ct), window));
    }

    /// <summary>The sessions figures of one window (1h, 24h, 7d, 30d), as the API and the dashboard's charts carry them.</summary>
    public static SessionMetrics ToSessions(MetricsSnapshot s, string window)
    {
        var figures = s.Windows[MetricsWindows.ByName[window]];
        return new SessionMetrics(window, figures.TotalSessions, figures.ByCategory, figures.QualityPercent, figures.QualityCounts, s.GeneratedAt, s.Stale);
    }

    private static async Task<Results<Ok<ErrorRateSeries>, ValidationProblem>> ErrorRateAsync(
        string? hours, string? service, ServiceFigures services, Alerts.AlertBoard alerts, CancellationToken ct)
    {
        var count = 24;
        var errors = new Dictionary<string, string[]>();
        if (hours is not null && (!int.TryParse(hours, out count) || count is < 1 or > MetricsSnapshotService.MaxHours))
            errors["hours"] = [$"'{hours}' is not a whole number from 1 to {MetricsSnapshotService.MaxHours}."];
        service = service?.Trim() is { Length: > 0 } named ? named : null; // as the dashboard reads it
        if (service is not null && ServiceFigures.NameProblem(service) is { } problem)
            errors["service"] = [problem];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await services.ErrorRateAsync(service, count, alerts.Current.FiringHours, ct));
    }

    private static async Task<Results<Ok<ServicesMetrics>, ValidationProblem>> ServicesAsync(string? window, ServiceFigures services, CancellationToken ct)
    {
        window ??= MetricsWindow.Hour.Name();
        if (!MetricsWindows.TryParse(window, ServiceFigures.Windows, out var parsed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [$"'{window}' is not a window: use {MetricsWindows.Choices(ServiceFigures.Windows)}."] });
        var (snapshot, rows) = await services.ByServiceAsync(parsed, ct);
        return TypedResults.Ok(new ServicesMetrics(window, snapshot.GeneratedAt, snapshot.Stale,
            rows.Select(r => new ServiceMetrics(r.Service, r.Requests, r.Errors, r.ErrorRate is { } e ? Math.Round(e, 6) : null, Round1(r.P95Ms), r.Level.Name())).ToList()));
    }

    private static async Task<Results<Ok<Quality.QualityMetrics>, ValidationProblem>> QualityAsync(string? window, Quality.QualityFigures quality, CancellationToken ct)
    {
        window ??= MetricsWindow.Hour.Name();
        if (!MetricsWindows.TryParse(window, Quality.QualityFigures.Windows, out var parsed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [$"'{window}' is not a window: use {MetricsWindows.Choices(Quality.QualityFigures.Windows)}."] });
        return TypedResults.Ok(await quality.ByProviderAsync(parsed, ct));
    }

    /// <summary>
    /// The last <paramref name="hours"/> hourly points with the thresholds, as the API and the dashboard's chart carry them;
    /// a point whose hour is in <paramref name="alertHours"/> saw an alert fire.
    /// </summary>
    public static ErrorRateSeries ToErrorRate(MetricsSnapshot s, int hours, HealthOptions t, IReadOnlySet<DateTime>? alertHours = null)
    {
        var points = s.Hourly.TakeLast(hours)
            .Select(p => new ErrorRatePoint(p.Hour, p.Requests, p.Errors, p.ErrorRate is { } r ? Math.Round(r, 6) : null, Round1(p.P95Ms),
                p.ErrorRate is { } rate ? HealthEvaluator.ErrorRateLevel(rate, t).Name() : null, alertHours?.Contains(p.Hour) == true))
            .ToList();
        return new ErrorRateSeries(hours, points, new ErrorRateThresholds(t.ErrorRateDegraded, t.ErrorRateCritical, t.P95DegradedMs, t.P95CriticalMs), s.GeneratedAt, s.Stale);
    }

    private static async Task<Ok<DbPoolMetrics>> DbPoolAsync(MetricsSnapshotService snapshots, CancellationToken ct)
    {
        var s = await snapshots.GetAsync(ct);
        var p = s.DbPool;
        return TypedResults.Ok(new DbPoolMetrics(p.Provider, p.Active, p.Idle, p.Size, p.Pending, Round1(p.WaitP95Ms), p.OpenSamples, p.Unknown, s.GeneratedAt));
    }

    private static async Task<Ok<ExternalServicesMetrics>> ExternalServicesAsync(MetricsSnapshotService snapshots, CancellationToken ct)
    {
        var s = await snapshots.GetAsync(ct);
        return TypedResults.Ok(new ExternalServicesMetrics
        {
            Statuses = s.ExternalServices.ToDictionary(e => e.Name, e => (object)e.Status),
            Services = s.ExternalServices.ToDictionary(e => e.Name),
            GeneratedAt = s.GeneratedAt,
            Stale = s.Stale,
        });
    }

    private static double? Round1(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
