using Microsoft.Extensions.Options;

namespace MonitorApp.Data;

/// <summary>
/// [elected] The hourly retention round: every feature's <see cref="IRetentionTask"/> in turn, each in the SQLite write turn;
/// one failing does not keep the others from running. (Probe history is pruned by the prober.) Events older than the
/// features' windows are refused at ingestion, so nothing pruned comes back.
/// </summary>
public sealed class Retention(
    IServiceScopeFactory scopes,
    LeaderElection election,
    TimeProvider time,
    IEnumerable<IRetentionTask> tasks,
    ILogger<Retention> logger) : BackgroundService
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
                    logger.LogWarning(ex, "The retention round failed; trying again in an hour");
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

    /// <summary>One round now (tests call it after moving the clock).</summary>
    public async Task PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        foreach (var task in tasks)
        {
            try
            {
                using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
                await task.PruneAsync(db, now, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Pruning {What} failed; the other retention tasks go on, and this one is tried again in an hour", task.Name);
            }
        }
    }
}
