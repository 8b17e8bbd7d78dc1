using Microsoft.Extensions.Options;
using Polly;

namespace MonitorApp.ExternalServices;

public static class ExternalServicesSetup
{
    public static IServiceCollection AddExternalServices(this IServiceCollection services)
    {
        services.AddOptions<ExternalServicesOptions>().BindConfiguration(ExternalServicesOptions.Section).ValidateDataAnnotations().ValidateOnStart();

        services.AddHttpClient(ServiceProbe.ClientName, (sp, client) =>
            {
                var o = sp.GetRequiredService<IOptions<ExternalServicesOptions>>().Value;
                // The resilience timeout below bounds the wait for an answer; this one also bounds reading its body.
                client.Timeout = TimeSpan.FromSeconds(o.TimeoutSeconds + 1);
                client.MaxResponseContentBufferSize = ServiceProbe.MaxBodyBytes;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("MonitorApp-StatusProbe/1.0");
            })
            // Never follow a redirect: the configured headers (an API key) would go wherever the answer points.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false })
            // The framework's request log names the full URL (a key in its query with it); the prober records each check itself.
            .RemoveAllLoggers()
            // A timeout and nothing else: a retry would turn an outage into a slow success and hide it.
            .AddResilienceHandler("probe", (pipeline, context) =>
                pipeline.AddTimeout(TimeSpan.FromSeconds(context.ServiceProvider.GetRequiredService<IOptions<ExternalServicesOptions>>().Value.TimeoutSeconds)));

        services.AddSingleton<ServiceProbe>();
        services.AddSingleton<ExternalServiceReader>();
        services.AddSingleton<ExternalServiceProber>();
        services.AddHostedService(sp => sp.GetRequiredService<ExternalServiceProber>());
        return services;
    }
}
