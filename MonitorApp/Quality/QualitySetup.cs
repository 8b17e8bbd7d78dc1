using MonitorApp.Data;

namespace MonitorApp.Quality;

/// <summary>Quality measured from WebRTC stats: the retention of its windows and bins (the figures are read in Metrics).</summary>
public static class QualitySetup
{
    public static IServiceCollection AddQuality(this IServiceCollection services)
    {
        services.AddSingleton<IRetentionTask, QualityRetention>();
        return services;
    }
}
