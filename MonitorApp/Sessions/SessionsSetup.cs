using MonitorApp.Data;

namespace MonitorApp.Sessions;

/// <summary>Sessions: ingestion, the live count, their retention.</summary>
public static class SessionsSetup
{
    public static IServiceCollection AddSessionIngestion(this IServiceCollection services)
    {
        services.AddOptions<SessionsOptions>().BindConfiguration(SessionsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<SessionIngestor>();
        services.AddSingleton<LiveSessionCount>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSessionCount>());
        services.AddSingleton<IClusterListener>(sp => sp.GetRequiredService<LiveSessionCount>());
        services.AddSingleton<IRetentionTask, SessionRetention>();
        return services;
    }
}
