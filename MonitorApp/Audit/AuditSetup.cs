using MonitorApp.Data;

namespace MonitorApp.Audit;

/// <summary>The audit trail: its log, its retention.</summary>
public static class AuditSetup
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuditLog>();
        services.AddSingleton<RateLimitAudit>();
        services.AddSingleton<IRetentionTask, AuditRetention>();
        return services;
    }
}
