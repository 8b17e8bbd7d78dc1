using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using System.Text.Json.Serialization;
using MonitorApp.Auth;
using MonitorApp.ExternalServices;
using MonitorApp.Metrics;

namespace MonitorApp.Api;

/// <summary><c>/api/admin/metrics/*</c>: the latest snapshot as JSON, for SYSTEM_MONITOR and SUPER_ADMIN.</summary>
public static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin/metrics")
            .AnsweredToMachines()
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

    private static async Task<Ok<CurrentMetrics>> CurrentAsync(MetricsSnapshotService snapshots, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(MetricsJson.ToCurrent(await snapshots.GetAsync(ct), time.GetUtcNow().UtcDateTime));

    private static async Task<Results<Ok<SessionMetrics>, ValidationProblem>> SessionsAsync(string? window, MetricsSnapshotService snapshots, CancellationToken ct)
    {
        window ??= MetricsWindow.Month.Name();
        if (!MetricsWindows.ByName.ContainsKey(window))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [$"'{window}' is not one of {MetricsWindows.Names}."] });
        return TypedResults.Ok(MetricsJson.ToSessions(await snapshots.GetAsync(ct), window));
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
            rows.Select(r => new ServiceMetrics(r.Service, r.Requests, r.Errors, r.ErrorRate is { } e ? Math.Round(e, 6) : null, MetricsJson.Round1(r.P95Ms), r.Level.Name())).ToList()));
    }

    private static async Task<Results<Ok<QualityMetrics>, ValidationProblem>> QualityAsync(string? window, QualityFigures quality, CancellationToken ct)
    {
        window ??= MetricsWindow.Hour.Name();
        if (!MetricsWindows.TryParse(window, QualityFigures.Windows, out var parsed))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["window"] = [$"'{window}' is not a window: use {MetricsWindows.Choices(QualityFigures.Windows)}."] });
        return TypedResults.Ok(await quality.ByProviderAsync(parsed, ct));
    }

    private static async Task<Ok<DbPoolMetrics>> DbPoolAsync(MetricsSnapshotService snapshots, CancellationToken ct)
    {
        var s = await snapshots.GetAsync(ct);
        var p = s.DbPool;
        return TypedResults.Ok(new DbPoolMetrics(p.Provider, p.Active, p.Idle, p.Size, p.Pending, MetricsJson.Round1(p.WaitP95Ms), p.OpenSamples, p.Unknown, s.GeneratedAt));
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

}
