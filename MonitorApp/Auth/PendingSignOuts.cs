using System.Collections.Concurrent;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>
/// Sign-outs this instance could not write while the database was unreachable. The session is refused here at once
/// (<see cref="RecentSignInChecks"/>); its end is written and announced to every instance once the database answers, so a
/// sign-out during an outage is not undone when it comes back (issue 28). Tried every 5 s; at most
/// <see cref="MaxPending"/> are held (a sign-out past that is refused here only, and said in the log).
/// REVIEW: held in memory: an instance restarted before the database answers forgets them (its own refusal with them),
/// and the sign-in lives on until its idle or absolute timeout. Keeping them on disk was judged not worth a second store.
/// </summary>
public sealed class PendingSignOuts(IServiceScopeFactory scopes, TimeProvider time, ILogger<PendingSignOuts> logger) : BackgroundService
{
    public const int MaxPending = 10_000;
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (string UserId, DateTime EndedAt)> pending = new(StringComparer.Ordinal);

    public int Count => pending.Count;

    public void Add(string sessionId, string userId, DateTime endedAt)
    {
        if (pending.Count >= MaxPending)
        {
            logger.LogError("{Count} sign-outs are waiting for the database: this one is refused on this instance only", pending.Count);
            return;
        }
        pending[sessionId] = (userId, endedAt);
    }

    /// <summary>Writes every waiting sign-out and announces it; those the database still cannot take stay for the next round.</summary>
    public async Task WriteDueAsync(CancellationToken cancellationToken)
    {
        if (pending.IsEmpty)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        var cluster = scope.ServiceProvider.GetRequiredService<ClusterNotifications>();
        foreach (var (sessionId, (userId, endedAt)) in pending)
        {
            await SignInSession.EndAsync(db, cluster, sessionId, userId, endedAt, cancellationToken);
            pending.TryRemove(sessionId, out _);
            logger.LogInformation("A sign-out made while the database was unreachable is now recorded");
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Every, time, stoppingToken);
                await WriteDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
            {
                // Still unreachable: the next round tries again.
            }
            catch (Exception ex)
            {
                // Anything else (a read-only standby after a failover, say) must not stop the app: said, and tried again.
                logger.LogWarning(ex, "Writing {Count} sign-out(s) made during a database outage failed; trying again in {Seconds} s", pending.Count, Every.TotalSeconds);
            }
        }
    }
}
