namespace MonitorApp.Metrics;

/// <summary>The snapshot of every figure, and the figures read once per snapshot.</summary>
public static class MetricsSetup
{
    public static IServiceCollection AddMetricsSnapshot(this IServiceCollection services)
    {
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MetricsSnapshotService>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsSnapshotService>());
        services.AddSingleton<PerSnapshotCache>();
        services.AddSingleton<ServiceFigures>();
        services.AddSingleton<QualityFigures>();
        return services;
    }
}
