using Microsoft.AspNetCore.OutputCaching;
using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// A refresh of the cards is the same HTML for every viewer allowed to see it (a SUPER_ADMIN's has silence forms), for one
/// snapshot and alert board in one second
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
            || snapshots.Latest is null || http.User.Identity?.IsAuthenticated != true
            // A change of the chart's view answers with the address to push: that one is the asker's own.
            || http.Request.Headers["HX-Trigger"] == Cards.ChartView.FormId)
            return ValueTask.CompletedTask;

        var second = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = true;
        context.AllowCacheStorage = true;
        context.AllowLocking = true; // one render per key, however many viewers ask at once
        context.ResponseExpirationTimeSpan = TimeSpan.FromSeconds(2);
        context.CacheVaryByRules.QueryKeys = "*";
        var alerts = http.RequestServices.GetRequiredService<Alerts.AlertBoard>();
        context.CacheVaryByRules.VaryByValues["render"] = $"{snapshots.Version}/{alerts.Version}/{second}";
        // Silence forms show only beside unsilenced alerts: with none, every viewer's cards are the same.
        var forms = CanSilence(http.User) && alerts.Current.Alerts.Any(a => a.SilencedBy is null);
        context.CacheVaryByRules.VaryByValues["silence"] = forms ? "forms" : "none";
        return ValueTask.CompletedTask;
    }

    /// <summary>A signed-in person who may silence (not a token): the cards then carry silence forms.</summary>
    public static bool CanSilence(System.Security.Claims.ClaimsPrincipal user) =>
        user.IsInRole(Auth.Roles.Silencers) && user.Identity?.AuthenticationType == Microsoft.AspNetCore.Identity.IdentityConstants.ApplicationScheme;

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
