using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace MonitorApp.Web;

/// <summary>
/// Outside Development, when the app listens on no HTTPS endpoint and believes no proxy (<c>Proxy:KnownProxies</c> /
/// <c>Proxy:KnownNetworks</c> empty), it is either exposed over plain HTTP or behind a proxy it cannot see through: then every
/// client has the proxy's address (one guesser trips the per-address sign-in limit for everyone, the audit trail names the
/// proxy) and cookies are not marked Secure. Said loudly once at start, and on the dashboard to a SUPER_ADMIN; <c>/readyz</c>
/// stays a plain probe.
/// </summary>
public sealed class ProxyExposure(IOptions<ProxyOptions> proxy, IHostEnvironment environment, IServer server, IHostApplicationLifetime lifetime,
    ILogger<ProxyExposure> logger) : IHostedService
{
    public const string Text = "No HTTPS endpoint and no trusted proxy are configured: behind a proxy every client shares the proxy's address " +
        "(one guesser trips the sign-in limits for all, the audit trail names the proxy) and cookies are not marked Secure. " +
        "Set Proxy:KnownProxies (or Proxy:KnownNetworks) to the proxy's address, or serve HTTPS here.";

    /// <summary>The warning when it applies, else null (known once the server listens).</summary>
    public string? Warning { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            if (Applies(environment, proxy.Value, server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []))
            {
                Warning = Text;
                logger.LogWarning("{Warning}", Text);
            }
        });
        return Task.CompletedTask;
    }

    public static bool Applies(IHostEnvironment environment, ProxyOptions proxy, ICollection<string> addresses) =>
        !environment.IsDevelopment()
        && proxy.KnownProxies.Count == 0 && proxy.KnownNetworks.Count == 0
        && !addresses.Any(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase));

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
