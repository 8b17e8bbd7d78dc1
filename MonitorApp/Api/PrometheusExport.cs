using MonitorApp.Metrics;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts;
using MonitorApp.Api;
using MonitorApp.Auth;
using Prometheus;

namespace MonitorApp.Api;

public static class PrometheusExport
{
    public static IServiceCollection AddPrometheusExport(this IServiceCollection services)
    {
        services.AddSingleton<IngestionCounters>();
        services.AddSingleton<PrometheusFigures>();
        return services;
    }

    /// <summary>For a SYSTEM_MONITOR token (a scraper's) or a signed-in monitor; never cached.</summary>
    public static IEndpointRouteBuilder MapPrometheusExport(this IEndpointRouteBuilder app)
    {
        var figures = app.ServiceProvider.GetRequiredService<PrometheusFigures>();
        app.MapMetrics(PrometheusFigures.Path, figures.Registry)
            .AnsweredToMachines()
            .RequireAuthorization(Policies.Monitor)
            .ExcludeFromDescription();
        return app;
    }
}
