using System.Text.Json;
using MonitorApp.Api;

namespace MonitorApp.Web;

public static class WebDefaults
{
    /// <summary>What every feature relies on: the clock, ProblemDetails (503 when the database is unreachable), snake_case JSON, OpenAPI and Razor Pages.</summary>
    public static IServiceCollection AddWebDefaults(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseUnreachableHandler>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        services.AddMonitorOpenApi(); // Api/OpenApiSetup.cs
        services.AddRazorPages();
        // No form field the app reads is longer than this; a longer one is refused with 400 before binding, antiforgery or a limiter sees it.
        services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(o =>
        {
            o.ValueLengthLimit = FieldLimits.FormValue;
            o.KeyLengthLimit = FieldLimits.FormKey;
        });
        return services;
    }

    /// <summary>After a burst of work, once quiet, the memory it left committed goes back to the system (<see cref="IdleMemoryTrim"/>).</summary>
    public static IServiceCollection AddIdleMemoryTrim(this IServiceCollection services)
    {
        services.AddOptions<MemoryOptions>().BindConfiguration(MemoryOptions.Section);
        services.AddHostedService<IdleMemoryTrim>();
        return services;
    }
}
