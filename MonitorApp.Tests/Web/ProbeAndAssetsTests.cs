using System.Net;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Web;

public abstract class ProbeAndAssetsTests(AppFixture fixture)
{
    [SkippableTheory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    public async Task HealthEndpoints_AnswerAnonymously(string path)
    {
        var response = await fixture.App.CreateBrowserClient().GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [SkippableTheory]
    [InlineData("/lib/htmx/htmx.min.", "htmx")]
    [InlineData("/lib/htmx-ext-sse/sse.min.", "sse")]
    [InlineData("/lib/chart.js/chart.umd.min.", "Chart")]
    [InlineData("/js/dashboard.", "drawCharts")]
    public async Task Dashboard_ReferencesClientLibraries_ServedByTheAppItself(string prefix, string marker)
    {
        var client = await fixture.App.CreateClientAsAsync(MonitorApp.Auth.Roles.SystemMonitor);
        var page = await MonitorAppFactory.ParseAsync(await client.GetAsync("/admin/dashboard"));
        var src = page.QuerySelectorAll("script[src]").Select(s => s.GetAttribute("src")!).Single(s => s.StartsWith(prefix, StringComparison.Ordinal));
        Assert.EndsWith(".js", src);

        var response = await client.GetAsync(src);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(body.Length > 1000, $"{src} is only {body.Length} bytes");
        Assert.Contains(marker, body);
    }
}

public sealed class SqliteProbeAndAssetsTests(SqliteAppFixture fixture) : ProbeAndAssetsTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresProbeAndAssetsTests(PostgresAppFixture fixture) : ProbeAndAssetsTests(fixture), IClassFixture<PostgresAppFixture>;
