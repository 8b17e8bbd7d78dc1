using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>Request telemetry: this app's own requests, the ingestion of others', rollups and their retention.</summary>
public static class TelemetrySetup
{
    public static IServiceCollection AddRequestTelemetry(this IServiceCollection services)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<Otlp.OtlpOptions>().BindConfiguration(Otlp.OtlpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RequestRecorder>();
        services.AddSingleton<ServiceLimit>();
        services.AddSingleton<TelemetryFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryFlusher>());
        services.AddSingleton<IRetentionTask, TelemetryRetention>();
        return services;
    }

    public static IApplicationBuilder UseRequestTelemetry(this IApplicationBuilder app) => app.UseMiddleware<RequestTelemetryMiddleware>();
}
