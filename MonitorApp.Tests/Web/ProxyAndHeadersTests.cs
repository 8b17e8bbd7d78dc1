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

    /// <summary>A request as the proxy forwards it: the browser spoke HTTPS to <c>monitor.example</c>.</summary>
    private static async Task<HttpResponseMessage> ThroughTlsProxyAsync(AppProcess app, string path = "/login", string? cookie = null, HttpContent? form = null)
    {
        using var request = new HttpRequestMessage(form is null ? HttpMethod.Get : HttpMethod.Post, path) { Content = form };
        request.Headers.Host = "monitor.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        if (cookie is not null)
            request.Headers.Add("Cookie", cookie);
        // As a browser behind the proxy: the cookies it is given in hand, redirects seen, not followed.
        using var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = app.Client.BaseAddress };
        return await client.SendAsync(request);
    }

    private static string SetCookie(HttpResponseMessage response, string name) =>
        response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(name + "=", StringComparison.Ordinal));

    [SkippableFact]
    public async Task FromAConfiguredProxy_HttpsCounts_CookiesAreSecure_AndHstsIsSent()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-proxy-");
        try
        {
            await using var app = await AppProcess.StartAsync(Settings(folder.FullName, ("Proxy__KnownProxies__0", "127.0.0.1")));
            var response = await ThroughTlsProxyAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // __Host-: the browser keeps it only Secure, for Path=/ and this host alone (no Domain).
            var antiforgery = SetCookie(response, "__Host-monitor.af");
            Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("domain=", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.StartsWith("max-age=31536000", response.Headers.GetValues("Strict-Transport-Security").Single());
            Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());

            // Signing in over HTTPS: the sign-in cookie is __Host- too, and works when sent back so named.
            var settings = Settings(folder.FullName, ("Proxy__KnownProxies__0", "127.0.0.1"));
            var password = await AppProcess.AddUserAsync(settings, null, "proxied@example.test", MonitorApp.Auth.Roles.SystemMonitor);
            var form = await MonitorAppFactory.ParseAsync(response);
            var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var signedIn = await ThroughTlsProxyAsync(app, "/login", antiforgery.Split(';')[0], new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.Email"] = "proxied@example.test",
                ["Input.Password"] = password,
                ["__RequestVerificationToken"] = token,
            }));
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            var auth = SetCookie(signedIn, "__Host-monitor.auth");
            Assert.Contains("secure", auth, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/", auth, StringComparison.OrdinalIgnoreCase);
            var cookie = auth.Split(';')[0];
            Assert.Equal(HttpStatusCode.OK, (await ThroughTlsProxyAsync(app, "/admin/dashboard", cookie)).StatusCode);
            // Over HTTPS an unprefixed copy is ignored: a sibling subdomain or a plain-HTTP page could have planted it.
            var planted = cookie["__Host-".Length..];
            Assert.Equal(HttpStatusCode.Redirect, (await ThroughTlsProxyAsync(app, "/admin/dashboard", planted)).StatusCode);
            Assert.DoesNotContain("Set Proxy:KnownProxies", app.Output); // a proxy is configured: nothing to warn of
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task FromAnyoneElse_ForwardedHeadersAreIgnored()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-proxy-");
        try
        {
            // No proxy configured: the same headers, now from an unknown sender, change nothing.
            await using var app = await AppProcess.StartAsync(Settings(folder.FullName));
            var response = await ThroughTlsProxyAsync(app);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var antiforgery = SetCookie(response, "monitor.af"); // plain HTTP: no __Host- (a browser would refuse it without Secure)
            Assert.DoesNotContain("secure", antiforgery, StringComparison.OrdinalIgnoreCase);
            Assert.False(response.Headers.Contains("Strict-Transport-Security"));
            Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
            // The failure mode is said once, loudly, naming the setting; /readyz stays a plain probe.
            Assert.Single(app.Output.Split('\n'), line => line.Contains("Set Proxy:KnownProxies"));
            Assert.Equal(HttpStatusCode.OK, (await app.Client.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [SkippableFact]
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

    [SkippableFact]
    public async Task WithoutHttpsOrATrustedProxy_ASuperAdminIsToldOnTheDashboard_AMonitorIsNot()
    {
        await using var database = await TestDatabase.CreateAsync(MonitorApp.Data.DatabaseProvider.Sqlite);
        // In-process, outside Development, on no HTTPS endpoint (the test server listens nowhere).
        await using (var exposed = new MonitorAppFactory(database))
        {
            var admin = await MonitorAppFactory.ParseAsync(await (await exposed.CreateClientAsAsync(MonitorApp.Auth.Roles.SuperAdmin)).GetAsync("/admin/dashboard"));
            Assert.Contains("Set Proxy:KnownProxies", admin.QuerySelector("#deployment-warning[role=alert]")!.TextContent);
            var monitor = await MonitorAppFactory.ParseAsync(await (await exposed.CreateClientAsAsync(MonitorApp.Auth.Roles.SystemMonitor)).GetAsync("/admin/dashboard"));
            Assert.Null(monitor.QuerySelector("#deployment-warning"));
        }
        await using var behindProxy = new MonitorAppFactory(database, new Dictionary<string, string?> { ["Proxy:KnownNetworks:0"] = "10.0.0.0/8" });
        var configured = await MonitorAppFactory.ParseAsync(await (await behindProxy.CreateClientAsAsync(MonitorApp.Auth.Roles.SuperAdmin)).GetAsync("/admin/dashboard"));
        Assert.Null(configured.QuerySelector("#deployment-warning"));
    }
}
