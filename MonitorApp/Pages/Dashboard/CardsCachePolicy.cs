using Microsoft.AspNetCore.OutputCaching;
using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// A refresh of the cards is the same HTML for every viewer allowed to see it, for one snapshot in one second
/// (the cards show ages in seconds). So it is rendered once per snapshot and second, and every other refresh
/// in that second gets the stored copy: two hundred operators polling cost what one does. Authorization runs
/// before the cache (a refused viewer never reaches it); the full page, with its antiforgery token, is never cached.
/// </summary>
public sealed class CardsCachePolicy : IOutputCachePolicy
{
    public const string Name = "dashboard-cards";

    ValueTask IOutputCachePolicy.CacheRequestAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var snapshots = http.RequestServices.GetRequiredService<MetricsSnapshotService>();
        if (!HttpMethods.IsGet(http.Request.Method) || http.Request.Query["handler"] != "Cards"
            || snapshots.Latest is null || http.User.Identity?.IsAuthenticated != true)
            return ValueTask.CompletedTask;

        var second = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        context.AllowLocking = true; // one render per key, however many viewers ask at once
        context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(2);
        context.CacheVaryByRules.QueryKeys = "*";
        context.CacheVaryByRules.VaryByValues["render"] = $"{snapshots.Version}/{second}";
        return ValueTask.CompletedTask;
    }

    ValueTask IOutputCachePolicy.ServeFromCacheAsync(OutputCacheContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    ValueTask IOutputCachePolicy.ServeResponseAsync(OutputCacheContext context, CancellationToken cancellationToken)
    {
        // Only a plain success is shared; anything addressed to one viewer (a renewed cookie) is not.
        var response = context.HttpContext.Response;
        if (response.StatusCode != StatusCodes.Status200OK || response.Headers.SetCookie.Count > 0)
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
