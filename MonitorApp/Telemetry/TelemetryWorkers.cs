using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>Records this app's own requests (not static files, health probes or the event stream).</summary>
public sealed class RequestTelemetryMiddleware(RequestDelegate next, RequestRecorder recorder, TimeProvider time, IOptions<TelemetryOptions> options)
{
    private static readonly PathString[] ExcludedPrefixes = ["/healthz", "/readyz", "/metrics", "/lib", "/css", "/js", "/favicon.ico", "/admin/dashboard/stream"];

    private static bool IsExcluded(PathString path)
    {
        foreach (var prefix in ExcludedPrefixes)
        {
            if (path.StartsWithSegments(prefix))
                return true;
        }
        return false;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!options.Value.RecordOwnRequests || IsExcluded(context.Request.Path))
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            recorder.Record(options.Value.ServiceName, time.GetUtcNow().UtcDateTime, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}

/// <summary>Writes the recorder's counts to the database every few seconds, and once more at shutdown.</summary>
public sealed class TelemetryFlusher(
    RequestRecorder recorder,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<TelemetryOptions> options,
    ILogger<TelemetryFlusher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.FlushSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(cancellationToken);
    }

    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var deltas = recorder.Drain(RequestRollup.ToMinute(time.GetUtcNow().UtcDateTime));
        if (deltas.Count == 0)
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await RollupWriter.WriteAsync(scope.ServiceProvider.GetRequiredService<MonitorDbContext>(), deltas, cancellationToken);
        }
        catch (Exception ex)
        {
            recorder.Restore(deltas);
            logger.LogWarning(ex, "Could not write request rollups; kept {Count} in memory for the next flush", deltas.Count);
        }
    }
}

/// <summary>Deletes rollups older than <see cref="TelemetryOptions.RetentionDays"/>, hourly.</summary>
public sealed class TelemetryRetention(IServiceScopeFactory scopes, TimeProvider time, IOptions<TelemetryOptions> options, ILogger<TelemetryRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    await PruneAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Pruning old request rollups failed; trying again in an hour");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var oldest = RequestRollup.ToMinute(time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        return await db.RequestRollups.Where(r => r.Minute < oldest).ExecuteDeleteAsync(cancellationToken);
    }
}
