using MonitorApp.Auth;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MonitorApp.Data;

namespace MonitorApp.Web;

/// <summary>
/// Probes for load balancers and orchestrators: <c>/healthz</c>, the process answers; <c>/readyz</c>,
/// and its database does too. (The dashboard's healthy/degraded/critical verdict is another thing:
/// <see cref="Metrics.HealthEvaluator"/>.)
/// </summary>
public static class ProbeEndpoints
{
    private const string ReadyTag = "ready";

    public static IServiceCollection AddProbeEndpoints(this IServiceCollection services)
    {
        services.AddHealthChecks().AddDbContextCheck<MonitorDbContext>("database", tags: [ReadyTag]);
        // A database that does not answer must not hold the probe (and the prober) for long.
        services.Configure<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckServiceOptions>(o =>
        {
            foreach (var registration in o.Registrations)
                registration.Timeout = TimeSpan.FromSeconds(5);
        });
        return services;
    }

    public static IEndpointRouteBuilder MapProbeEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous().NotInOwnFigures();
        // Each /readyz asks the database, so one address may not ask without end.
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous().NotInOwnFigures()
            .RequireRateLimiting(RateLimitSetup.ReadyzPerAddress);
        return app;
    }
}
