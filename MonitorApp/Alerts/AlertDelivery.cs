using Microsoft.EntityFrameworkCore;
using MonitorApp.Alerts.Channels;
using MonitorApp.Data;

namespace MonitorApp.Alerts;

/// <summary>
/// [elected] Sends the notifications that are due, on the elected instance. A failed attempt is tried again after 5 s,
/// 10 s, 20 s … (at most 10 min apart) for up to <see cref="GiveUpAfter"/>; every attempt is stored, and failures show on
/// the dashboard and in the API. Each outcome is saved as soon as it is known, so a restart re-sends nothing delivered.
/// </summary>
public sealed class AlertDelivery(
    IServiceScopeFactory scopes,
    LeaderElection election,
    AlertChannels channels,
    AlertBoard board,
    TimeProvider time,
    ILogger<AlertDelivery> logger) : BackgroundService
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromHours(1);
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    /// <summary>A round every so often even with nothing known to be due: a takeover inherits what the last holder left.</summary>
    private static readonly TimeSpan LookAnyway = TimeSpan.FromMinutes(1);

    /// <summary>How long a notification being sent is held (claimed) against another instance sending it too.</summary>
    private static readonly TimeSpan ClaimFor = AttemptTimeout * 2;

    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly SemaphoreSlim wake = new(0, 1);
    private int woken;
    // When the next known notification is due; rounds in between cost nothing (no query while all is quiet).
    private long nextDueTicks;
    private readonly TaskCompletionSource firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the round run at start-up has ended (delivered, failed, or not elected).</summary>
    public Task FirstRound => firstRound.Task;

    /// <summary>How long after the <paramref name="attempts"/>-th failed attempt the next one is made.</summary>
    public static TimeSpan Backoff(int attempts) => TimeSpan.FromSeconds(Math.Min(600, 5 * Math.Pow(2, Math.Max(0, attempts - 1))));

    /// <summary>New notifications are due: deliver now rather than at the next round.</summary>
    public void Wake()
    {
        Interlocked.Exchange(ref woken, 1); // a round already running cannot overwrite this, as it would a due time
        if (wake.CurrentCount == 0)
        {
            try { wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (Interlocked.Exchange(ref woken, 0) == 1 || time.GetUtcNow().UtcDateTime.Ticks >= Interlocked.Read(ref nextDueTicks))
                        await DeliverDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // Everything due stays due; look again in a little while (not every round: no log flood while the database is down).
                    Interlocked.Exchange(ref nextDueTicks, (time.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(10)).Ticks);
                    if (DatabaseUnreachableHandler.IsUnreachable(ex))
                        logger.LogWarning("Delivering alert notifications: the database is unreachable; trying again in 10 s");
                    else
                        logger.LogWarning(ex, "Delivering alert notifications failed; trying again in 10 s");
                }
                firstRound.TrySetResult();
                // The app's clock paces the rounds, so a test that moves it makes retries due without waiting.
                await Task.WhenAny(wake.WaitAsync(stoppingToken), Task.Delay(Every, time, stoppingToken));
                stoppingToken.ThrowIfCancellationRequested();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            firstRound.TrySetResult();
        }
    }

    /// <summary>
    /// One round on the elected instance: every due notification, oldest first, each claimed before it is sent (so an
    /// instance that lost the election in the middle of a round cannot send what the new one sends). Returns how many were delivered.
    /// </summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            if (!await election.IsElectedAsync(cancellationToken))
                return 0;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            var due = await db.AlertNotifications
                .Where(n => n.DeliveredAt == null && n.GaveUpAt == null && n.NextAttemptAt <= now)
                .OrderBy(n => n.Id).Take(50).ToListAsync(cancellationToken);
            var delivered = 0;
            foreach (var notification in due)
            {
                if (!await election.IsElectedAsync(cancellationToken) || !await ClaimAsync(db, notification, now, cancellationToken))
                    continue;
                var (ok, error) = await SendAsync(notification, cancellationToken);
                now = time.GetUtcNow().UtcDateTime;
                notification.Attempts++;
                if (ok)
                {
                    notification.DeliveredAt = now;
                    delivered++;
                }
                else
                {
                    notification.LastError = error!.Length > 1000 ? error[..1000] : error;
                    if (now - notification.CreatedAt >= GiveUpAfter || channels.Find(notification.Channel) is null)
                    {
                        notification.GaveUpAt = now;
                        logger.LogError("Gave up notifying {Channel} of {Rule} {State}: {Error}", notification.Channel, notification.Rule, notification.State, error);
                    }
                    else
                    {
                        notification.NextAttemptAt = now + Backoff(notification.Attempts);
                    }
                }
                db.AlertDeliveryAttempts.Add(new AlertDeliveryAttempt { NotificationId = notification.Id, At = now, Succeeded = ok, Error = notification.LastError is { } e && !ok ? e : null });
                using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
                    await db.SaveChangesAsync(cancellationToken);
            }
            var pending = await db.AlertNotifications.Where(n => n.DeliveredAt == null && n.GaveUpAt == null)
                .MinAsync(n => (DateTime?)n.NextAttemptAt, cancellationToken);
            Interlocked.Exchange(ref nextDueTicks, (pending is { } soonest && soonest < now + LookAnyway ? soonest : now + LookAnyway).Ticks);
            if (due.Count > 0)
                await board.RefreshAsync(cancellationToken);
            return delivered;
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Moves the notification's next attempt past this one, if no one else did first; true when it is ours to send.</summary>
    private static async Task<bool> ClaimAsync(MonitorDbContext db, AlertNotification notification, DateTime now, CancellationToken cancellationToken)
    {
        var seen = notification.NextAttemptAt;
        using (await SqliteWriteGate.EnterAsync(db, cancellationToken))
        {
            return await db.AlertNotifications
                .Where(n => n.Id == notification.Id && n.NextAttemptAt == seen && n.DeliveredAt == null && n.GaveUpAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.NextAttemptAt, now + ClaimFor), cancellationToken) == 1;
        }
    }

    private async Task<(bool Ok, string? Error)> SendAsync(AlertNotification notification, CancellationToken cancellationToken)
    {
        if (channels.Find(notification.Channel) is not { } channel)
            return (false, $"channel '{notification.Channel}' is no longer configured");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(AttemptTimeout);
            await channel.SendAsync(AlertMessage.FromJson(notification.Message), timeout.Token);
            return (true, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A channel's URL may hold a secret (user:password, a Slack hook's path): errors show scheme://host:port only.
            var error = ex is OperationCanceledException ? $"no answer within {AttemptTimeout.TotalSeconds:0} s" : UrlRedaction.InText(ex.Message);
            logger.LogWarning("Notifying {Channel} of {Rule} {State} failed (attempt {Attempt}): {Error}",
                notification.Channel, notification.Rule, notification.State, notification.Attempts + 1, error);
            return (false, error);
        }
    }
}
