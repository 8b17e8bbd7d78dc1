using System.Net;
using System.Text.RegularExpressions;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Api;

/// <summary>The interactive API reference at /docs: behind sign-in outside Development, every asset from the app itself, a looser CSP there only.</summary>
public sealed class ApiReferenceTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [SkippableFact]
    public async Task TheReference_IsForSignedInUsers_ServesItsOwnAssets_AndLoosensTheCspOnlyThere()
    {
        var app = fixture.App;
        var anonymous = await app.CreateBrowserClient().GetAsync("/docs");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Equal("/login", anonymous.Headers.Location!.AbsolutePath);

        var monitor = await app.CreateClientAsAsync(Roles.SystemMonitor);
        Assert.Equal("docs/", (await monitor.GetAsync("/docs")).Headers.Location!.OriginalString); // to the page, so its relative assets resolve
        var page = await monitor.GetAsync("/docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("\"openapi/v1.json\"", html); // the document, relative to the app (Scalar resolves it from the page's base path)
        // Its scripts by a nonce of this response, never inline script or eval in general.
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        var scriptSrc = Regex.Match(csp, "script-src ([^;]+)").Groups[1].Value;
        Assert.DoesNotContain("'unsafe-inline'", scriptSrc);
        Assert.DoesNotContain("'unsafe-eval'", scriptSrc);
        var nonce = Regex.Match(scriptSrc, "'nonce-([^']+)'").Groups[1].Value;
        Assert.NotEmpty(nonce);
        Assert.Contains($"nonce=\"{nonce}\"", html);
        Assert.NotEqual(nonce, Regex.Match((await monitor.GetAsync("/docs/")).Headers.GetValues("Content-Security-Policy").Single(), "'nonce-([^']+)'").Groups[1].Value);
        // Every script and stylesheet the page loads is the app's own (no CDN), and is served.
        var assets = Regex.Matches(html, "(?:src|href)=\"([^\"]+\\.(?:js|css))\"").Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            Assert.False(Uri.TryCreate(asset, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http"), $"{asset} is not the app's own");
            var url = asset.StartsWith('/') ? asset : "/docs/" + asset;
            Assert.Equal(HttpStatusCode.OK, (await monitor.GetAsync(url)).StatusCode);
        }

        var dashboard = await monitor.GetAsync("/admin/dashboard");
        Assert.DoesNotContain("unsafe-inline", dashboard.Headers.GetValues("Content-Security-Policy").Single());
        Assert.NotNull((await MonitorAppFactory.ParseAsync(dashboard)).QuerySelector("a[href='/docs/']"));
    }

    [SkippableTheory]
    [InlineData("/docs/'%3Cscript%3Ealert(1)%3C/script%3E")]
    [InlineData("/docs/v1%22%3E%3Cimg%20src=x%20onerror=alert(1)%3E")]
    [InlineData("/docs/x'onload='alert(1)")]
    public async Task APathUnderTheReference_IsNeverEchoedRaw(string path)
    {
        var monitor = await fixture.App.CreateClientAsAsync(Roles.SystemMonitor);
        var response = await monitor.GetAsync(path);
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {path}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>alert(1)", body);
        Assert.DoesNotContain("<img src=x onerror", body);
        Assert.DoesNotContain("'onload='", body);
    }
}
