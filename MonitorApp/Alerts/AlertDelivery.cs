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

    private readonly SemaphoreSlim turn = new(1, 1);
    private readonly SemaphoreSlim wake = new(0, 1);
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
        Interlocked.Exchange(ref nextDueTicks, 0);
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
                    if (time.GetUtcNow().UtcDateTime.Ticks >= Interlocked.Read(ref nextDueTicks) && await election.IsElectedAsync(stoppingToken))
                        await DeliverDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Delivering alert notifications failed; trying again shortly");
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

    /// <summary>One round: every due notification, oldest first. Returns how many were delivered.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            var now = time.GetUtcNow().UtcDateTime;
            var due = await db.AlertNotifications
                .Where(n => n.DeliveredAt == null && n.GaveUpAt == null && n.NextAttemptAt <= now)
                .OrderBy(n => n.Id).Take(50).ToListAsync(cancellationToken);
            var delivered = 0;
            foreach (var notification in due)
            {
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
            logger.LogWarning("Notifying {Channel} of {Rule} {State} failed (attempt {Attempt}): {Error}",
                notification.Channel, notification.Rule, notification.State, notification.Attempts + 1, ex.Message);
            return (false, ex is OperationCanceledException ? $"no answer within {AttemptTimeout.TotalSeconds:0} s" : ex.Message);
        }
    }
}
