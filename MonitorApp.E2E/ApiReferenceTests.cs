using Microsoft.Playwright;
using MonitorApp.Auth;

namespace MonitorApp.E2E;

/// <summary>The interactive reference works in a browser: the header's link, the document loaded and rendered, nothing refused by the CSP.</summary>
public sealed class ApiReferenceTests(SqliteBrowserFixture fixture) : IClassFixture<SqliteBrowserFixture>
{
    [SkippableFact]
    public async Task TheHeadersLink_OpensTheReference_WhichShowsTheApisOperations()
    {
        var email = await fixture.App.CreateUserAsync(Roles.SystemMonitor);
        var (context, page, _) = await fixture.NewPageAsync();
        await using var __ = context;
        await BrowserFixture.SignInAsync(page, email);
        await BrowserFixture.ArrivedAtAsync(page, "/admin/dashboard");

        await page.GetByRole(AriaRole.Link, new() { Name = "API documentation" }).ClickAsync();
        var elsewhere = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(fixture.BaseUrl, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal))
                elsewhere.Add(r.Url);
        };
        await BrowserFixture.ArrivedAtAsync(page, "/docs/");
        // Rendered from the app's own document: the ingestion group's first operation.
        await Assertions.Expect(page.GetByText("OTLP/HTTP metrics export").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        Assert.Empty(elsewhere); // nothing fetched from another origin (no CDN, no fonts)
        // The CSP allows the reference's scripts by this response's nonce, not eval: Scalar's bundle tries eval once and renders
        // without it (above). That refusal is the only one.
        var refused = await BrowserFixture.CspViolationsAsync(page);
        Assert.All(refused, v => Assert.StartsWith($"script-src eval at {fixture.BaseUrl}/docs/", v));
    }
}
