using MonitorApp.Data;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts.Channels;

namespace MonitorApp.Alerts;

public static class AlertsSetup
{
    public static IServiceCollection AddAlerts(this IServiceCollection services)
    {
        services.AddOptions<AlertsOptions>().BindConfiguration(AlertsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IRetentionTask, AlertRetention>();
        services.AddSingleton<IValidateOptions<AlertsOptions>, AlertsOptionsValidation>();
        // Receivers are the operator's own: no redirects followed (a URL with a secret in it is not passed on).
        services.AddHttpClient(AlertChannels.HttpClientName, c => c.Timeout = AlertDelivery.AttemptTimeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The framework's request log names the full URL, a channel's secret with it; AlertDelivery logs each attempt itself.
            .RemoveAllLoggers();
        services.AddSingleton<AlertChannels>();
        services.AddSingleton<AlertBoard>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertBoard>());
        services.AddSingleton<AlertDelivery>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertDelivery>());
        services.AddSingleton<AlertEvaluator>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertEvaluator>());
        return services;
    }
}
