using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace MonitorApp.Web;

public static class ProxySetup
{
    /// <summary>Known proxies, and what follows from a request being HTTPS: Secure cookies, HSTS.</summary>
    public static IServiceCollection AddProxyAndTransportSecurity(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.Section)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Proxy:KnownProxies must list IP addresses, e.g. 10.0.0.5.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Proxy:KnownNetworks must list networks in CIDR notation, e.g. 10.0.0.0/24.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((forwarded, proxy) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only what the operator configured is trusted.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
#pragma warning disable ASPDEPR005 // the older list of networks is still consulted: empty it too
            forwarded.KnownNetworks.Clear();
#pragma warning restore ASPDEPR005
            foreach (var address in proxy.Value.KnownProxies)
                forwarded.KnownProxies.Add(IPAddress.Parse(address));
            foreach (var network in proxy.Value.KnownNetworks)
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
        // Behind TLS the sign-in and antiforgery cookies are marked Secure (SameAsRequest: a plain-HTTP laptop still works)
        // and get the __Host- prefix (HostPrefixedCookies).
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = HostPrefixedCookies.Antiforgery;
            o.Cookie.SecurePolicy = Microsoft.AspNetCore.Http.CookieSecurePolicy.SameAsRequest;
        });
        services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        services.AddSingleton<ProxyExposure>();
        services.AddHostedService(sp => sp.GetRequiredService<ProxyExposure>());
        return services;
    }

    /// <summary>
    /// Believes forwarded headers from the configured proxies only. With none configured the middleware is left
    /// out altogether: given empty lists it would believe everyone.
    /// </summary>
    public static IApplicationBuilder UseKnownProxies(this IApplicationBuilder app)
    {
        var proxies = app.ApplicationServices.GetRequiredService<IOptions<ProxyOptions>>().Value;
        return proxies.KnownProxies.Count > 0 || proxies.KnownNetworks.Count > 0 ? app.UseForwardedHeaders() : app;
    }
}
