using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

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
