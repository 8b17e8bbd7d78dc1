namespace MonitorApp.Kernel;

public static class HealthLevels
{
    /// <summary>healthy, degraded or critical, as the API and the page write it.</summary>
    public static string Name(this HealthLevel level) => level switch
    {
        HealthLevel.Healthy => "healthy",
        HealthLevel.Degraded => "degraded",
        _ => "critical",
    };
}
