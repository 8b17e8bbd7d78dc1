using MonitorApp.Data;

namespace MonitorApp.Quality;

/// <summary>Quality measured from WebRTC stats: the per-provider figures and the retention of their windows and bins.</summary>
public static class QualitySetup
{
    public static IServiceCollection AddQuality(this IServiceCollection services)
    {
        services.AddSingleton<QualityFigures>();
        services.AddSingleton<IRetentionTask, QualityRetention>();
        return services;
    }
}
