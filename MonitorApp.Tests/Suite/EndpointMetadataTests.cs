using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Suite;

/// <summary>
/// Whether a route answers programs (a status and problem+json, never a sign-in page) is declared on the route, not decided by
/// its URL (issue 27). A route under /api, the Prometheus scrape or OTLP that forgets to declare it would redirect a scraper
/// to the sign-in page: this finds it.
/// </summary>
public sealed class EndpointMetadataTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    [SkippableFact]
    public void EveryApiRoute_IsDeclaredAnsweredToMachines_AndNoPageIs()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        bool Machine(Endpoint e)
        {
            var context = new DefaultHttpContext();
            context.SetEndpoint(e);
            return MachineEndpoint.Is(context);
        }
        static bool ApiPath(string pattern) => pattern.StartsWith("/api/", StringComparison.Ordinal) || pattern is "/metrics" or "/v1/metrics";

        var api = endpoints.Where(e => ApiPath("/" + e.RoutePattern.RawText!.TrimStart('/'))).ToList();
        Assert.True(api.Count >= 12, $"only {api.Count} API routes found");
        Assert.Empty(api.Where(e => !Machine(e)).Select(e => e.RoutePattern.RawText));
        Assert.Empty(endpoints.Where(e => !ApiPath("/" + e.RoutePattern.RawText!.TrimStart('/')) && Machine(e)).Select(e => e.RoutePattern.RawText));
    }

    [SkippableFact]
    public void StaticFilesProbesAndTheStream_AreDeclaredOutsideTheOwnFigures_AndNoPageOrApiIs()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var excluded = endpoints.Where(e => e.Metadata.GetMetadata<NotInOwnFiguresAttribute>() is not null)
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToList();
        Assert.Contains("/healthz", excluded);
        Assert.Contains("/readyz", excluded);
        Assert.Contains("/admin/dashboard/stream", excluded);
        Assert.Contains(excluded, p => p.StartsWith("/lib/htmx/", StringComparison.Ordinal));
        Assert.Contains(excluded, p => p.StartsWith("/css/", StringComparison.Ordinal));
        // What operators and programs use is counted.
        Assert.DoesNotContain(excluded, p => p.StartsWith("/api/", StringComparison.Ordinal) || p.StartsWith("/admin/dashboard", StringComparison.Ordinal) && p != "/admin/dashboard/stream");
    }
}
