using System.ComponentModel.DataAnnotations;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using MonitorApp.Auth;
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

    /// <summary>Proxies close idle connections; a comment-like event every so often keeps the stream open.</summary>
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>The live active-sessions counter as server-sent events: the count now, then each change (at most one a second).</summary>
    public static IEndpointRouteBuilder MapDashboardStream(this IEndpointRouteBuilder app)
    {
        app.MapGet(StreamPath, (LiveSessionCount live, IHostApplicationLifetime lifetime, HttpContext context) =>
            {
                context.Response.Headers.CacheControl = "no-store";
                context.Response.Headers["X-Accel-Buffering"] = "no";
                return TypedResults.ServerSentEvents(StreamAsync(live, lifetime.ApplicationStopping, context.RequestAborted));
            })
            .RequireAuthorization(Policies.Monitor)
            .ExcludeFromDescription();
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> StreamAsync(LiveSessionCount live, CancellationToken stopping, [EnumeratorCancellation] CancellationToken aborted = default)
    {
        // Ends with the request or with the app, so a shutdown never waits on open dashboards.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, aborted);
        var ct = linked.Token;
        using var subscription = live.Subscribe();
        if (live.Latest is { } known)
            yield return new SseItem<string>(Format.Count(known), ActiveSessionsEvent);
        while (!ct.IsCancellationRequested)
        {
            var ready = subscription.Counts.WaitToReadAsync(ct).AsTask();
            var finished = await Task.WhenAny(ready, Task.Delay(KeepAlive, ct));
            if (ct.IsCancellationRequested)
                yield break;
            if (finished != ready)
            {
                yield return new SseItem<string>("", "keep-alive");
                continue;
            }
            if (!await ready)
                yield break;
            while (subscription.Counts.TryRead(out var count))
                yield return new SseItem<string>(Format.Count(count), ActiveSessionsEvent);
        }
    }
}
