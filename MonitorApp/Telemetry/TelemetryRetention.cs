using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>[elected] Deletes rollups older than <see cref="TelemetryOptions.RetentionDays"/>, hourly, on the elected instance.</summary>
public sealed class TelemetryRetention(
    IServiceScopeFactory scopes,
    LeaderElection election,
    TimeProvider time,
    IOptions<TelemetryOptions> options,
    ILogger<TelemetryRetention> logger) : BackgroundService
{
    private readonly TaskCompletionSource firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the round run at start-up has ended (pruned, failed, or not elected).</summary>
    public Task FirstRound => firstRound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        try
        {
            do
            {
                try
                {
                    if (await election.IsElectedAsync(stoppingToken))
                        await PruneAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Pruning old request rollups failed; trying again in an hour");
                }
                firstRound.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            firstRound.TrySetResult();
        }
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var oldest = RequestRollup.ToMinute(time.GetUtcNow().UtcDateTime.AddDays(-options.Value.RetentionDays));
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        var oldestHour = RequestRollup.HourOf(oldest);
        await db.RequestRollupHours.Where(r => r.Hour < oldestHour).ExecuteDeleteAsync(cancellationToken);
        return await db.RequestRollups.Where(r => r.Minute < oldest).ExecuteDeleteAsync(cancellationToken);
    }
}
