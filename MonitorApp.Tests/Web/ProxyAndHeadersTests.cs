using System.Net;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Web;

/// <summary>Behind a TLS-terminating proxy, on a real port (the proxy's address is what Kestrel sees: 127.0.0.1).</summary>
public sealed class ProxyAndHeadersTests
{
    private static Dictionary<string, string> Settings(string folder, params (string Key, string Value)[] extra)
    {
        var settings = AppProcess.ProductionSettings(folder);
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    /// <summary>GET /login as the proxy forwards it: the browser spoke HTTPS to <c>monitor.example</c>.</summary>
    private static async Task<HttpResponseMessage> ThroughTlsProxyAsync(AppProcess app)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/login");
        request.Headers.Host = "monitor.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return await app.Client.SendAsync(request);
    }

    [Fact]
    public async Task FromAConfiguredProxy_HttpsCounts_CookiesAreSecure_AndHstsIsSent()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-proxy-");
        try
        {
            await using var app = await AppProcess.StartAsync(Settings(folder.FullName, ("Proxy__KnownProxies__0", "127.0.0.1")));
            var response = await ThroughTlsProxyAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery"));
            Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
            Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task FromAnyoneElse_ForwardedHeadersAreIgnored()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-proxy-");
        try
        {
            // No proxy configured: the same headers, now from an unknown sender, change nothing.
            await using var app = await AppProcess.StartAsync(Settings(folder.FullName));
            var response = await ThroughTlsProxyAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery"));
            Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
            Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AProxyThatIsNotAnAddress_StopsTheStart_NamingTheSetting()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-proxy-");
        try
        {
            var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                AppProcess.StartAsync(Settings(folder.FullName, ("Proxy__KnownProxies__0", "proxy.internal"))));
            Assert.Contains("Proxy:KnownProxies", failure.Message);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
