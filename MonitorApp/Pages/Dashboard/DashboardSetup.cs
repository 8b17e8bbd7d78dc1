using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using MonitorApp.Auth;
using MonitorApp.Metrics;
using MonitorApp.Sessions;

namespace MonitorApp.Pages.Dashboard;

/// <summary>Section <c>Dashboard</c>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Dashboard";

    /// <summary>How often the cards refresh (one request updates all of them).</summary>
    [Range(5, 3600, ErrorMessage = "Dashboard:RefreshSeconds must be between 5 and 3600.")]
    public int RefreshSeconds { get; set; } = 30;
}

public static class DashboardSetup
{
    public const string StreamPath = "/admin/dashboard/stream";
    public const string ActiveSessionsEvent = "active-sessions";
    /// <summary>The element whose timer refreshes the cards; htmx names it in <c>HX-Trigger</c>.</summary>
    public const string PollElementId = "dashboard-poll";

    /// <summary>Proxies close idle connections; a keep-alive event every so often keeps the stream open.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A stream ends after this long and the browser reconnects at once (the retry interval below): the
    /// reconnect passes authentication again, so a disabled user or an expired sign-in is not fed forever.
    /// </summary>
    private static readonly TimeSpan MaxStreamDuration = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ReconnectAfter = TimeSpan.FromSeconds(1);

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOutputCache(o => o.AddPolicy(CardsCachePolicy.Name, new CardsCachePolicy()));
        services.AddSingleton<DashboardReader>();
        return services;
    }

    /// <summary>The live active-sessions counter as server-sent events: the count now, then each change (at most one a second).</summary>
    public static IEndpointRouteBuilder MapDashboardStream(this IEndpointRouteBuilder app)
    {
        app.MapGet(StreamPath, (LiveSessionCount live, IHostApplicationLifetime lifetime, TimeProvider time, HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers["X-Accel-Buffering"] = "no";
                return TypedResults.ServerSentEvents(StreamAsync(live, context, time, lifetime.ApplicationStopping, context.RequestAborted));
            })
            .RequireAuthorization(Policies.Monitor)
            .WithMetadata(new BackgroundRefreshAttribute())
            .NotInOwnFigures()
            .ExcludeFromDescription();
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(LiveSessionCount live, HttpContext context, TimeProvider time, CancellationToken stopping,
        [EnumeratorCancellation] CancellationToken aborted = default)
    {
        // Ends with the request or with the app, so a shutdown never waits on open dashboards.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        linked.CancelAfter(MaxStreamDuration);
        var ct = linked.Token;
        using var subscription = live.Subscribe();
        yield return new SseItem<string>("", "keep-alive") { ReconnectionInterval = ReconnectAfter };
        // Its viewer is asked after again every ViewerCheck.Every (by the app's clock): a disabled or signed-out user stops
        // receiving counts within that, not at the stream's end. One timer per check, not one per event.
        var recheck = new CancellationTokenSource(ViewerCheck.Every, time);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (recheck.IsCancellationRequested)
                {
                    if (!await ViewerCheck.StillAllowedAsync(context, Policies.Monitor))
                        yield break;
                    recheck.Dispose();
                    recheck = new CancellationTokenSource(ViewerCheck.Every, time);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, recheck.Token);
                wait.CancelAfter(KeepAlive);
                var ready = false;
                try
                {
                    ready = await subscription.Counts.WaitToReadAsync(wait.Token);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // Nothing changed for a while: say so, to keep the connection open.
                }
                if (ct.IsCancellationRequested)
                    yield break;
                if (!ready && recheck.IsCancellationRequested)
                    continue; // time to ask after the viewer again
                if (!ready)
                {
                    yield return new SseItem<string>("", "keep-alive");
                    continue;
                }
                while (subscription.Counts.TryRead(out var count))
                    yield return new SseItem<string>(Format.Count(count), ActiveSessionsEvent);
            }
        }
        finally
        {
            recheck.Dispose();
        }
    }
}
