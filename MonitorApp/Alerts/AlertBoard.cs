using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Metrics;

namespace MonitorApp.Alerts;

/// <summary>An alert as the dashboard and the API show it.</summary>
public sealed record AlertView(string Rule, string Subject, string State, string Severity, DateTime ActiveSince, DateTime? FiredAt,
    DateTime? ClearSince, double? Value, double? Threshold, string Reason, string Fingerprint, Silence? SilencedBy, bool Notified);

/// <summary>A notification that has failed at least once and is not delivered: retrying, or given up.</summary>
public sealed record DeliveryFailure(string Channel, string Rule, string Subject, string State, int Attempts, string? LastError,
    DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? GaveUpAt);

/// <summary>Everything about alerts the dashboard shows, read at <see cref="ReadAt"/>.</summary>
public sealed record AlertBoardView(
    DateTime? ReadAt,
    IReadOnlyList<AlertView> Alerts,
    IReadOnlyList<Silence> Silences,
    IReadOnlyList<TimelineEvent> RecentEvents,
    IReadOnlyList<DeliveryFailure> Failures,
    IReadOnlySet<DateTime> FiringHours)
{
    public static readonly AlertBoardView NotReadYet = new(null, [], [], [], [], new HashSet<DateTime>());
}

/// <summary>
/// On every instance, the alerts, silences, recent events and delivery failures, read from the database as often as the
/// figures are computed (<c>Metrics:SnapshotSeconds</c>; and at once after an evaluation, a delivery or a silence here), so the dashboard and the API show them without a query per request.
/// </summary>
public sealed class AlertBoard(IServiceScopeFactory scopes, TimeProvider time, Microsoft.Extensions.Options.IOptions<MetricsOptions> metrics,
    ILogger<AlertBoard> logger) : BackgroundService
{
    public static readonly TimeSpan RecentWindow = TimeSpan.FromHours(24);
    public const int MaxRecentEvents = 100;

    private readonly SemaphoreSlim turn = new(1, 1);
    private AlertBoardView current = AlertBoardView.NotReadYet;
    private string signature = "";
    private long version;
    private readonly TaskCompletionSource firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the read at start-up has ended (read or failed).</summary>
    public Task FirstRead => firstRead.Task;

    public AlertBoardView Current => Volatile.Read(ref current);

    /// <summary>Moves on whenever what the board shows changes (the dashboard's cached cards are keyed by it).</summary>
    public long Version => Interlocked.Read(ref version);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(metrics.Value.SnapshotSeconds), time);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogDebug(ex, "Reading the alert board failed; showing the last one read");
                }
                firstRead.TrySetResult();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            firstRead.TrySetResult();
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            var states = await db.AlertStates.AsNoTracking().ToListAsync(cancellationToken);
            var silences = await db.Silences.AsNoTracking().Where(s => s.EndsAt > now).OrderBy(s => s.EndsAt).ToListAsync(cancellationToken);
            var since = now - RecentWindow;
            var events = await db.TimelineEvents.AsNoTracking().Where(e => e.At >= since)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(MaxRecentEvents).ToListAsync(cancellationToken);
            var failures = await db.AlertNotifications.AsNoTracking()
                .Where(n => n.DeliveredAt == null && n.Attempts > 0 && n.CreatedAt >= since)
                .OrderByDescending(n => n.Id)
                .Select(n => new DeliveryFailure(n.Channel, n.Rule, n.Subject, n.State, n.Attempts, n.LastError, n.CreatedAt,
                    n.GaveUpAt == null ? n.NextAttemptAt : null, n.GaveUpAt))
                .Take(20).ToListAsync(cancellationToken);
            var chartSince = now.AddHours(-MetricsSnapshotService.MaxHours);
            var fired = await db.TimelineEvents.AsNoTracking()
                .Where(e => e.Kind == TimelineEvent.Alert && e.State == AlertState.Firing && e.At >= chartSince)
                .Select(e => e.At).ToListAsync(cancellationToken);

            var alerts = states
                .OrderBy(s => s.State == AlertState.Firing ? 0 : 1)
                .ThenBy(s => AlertRules.ByName.TryGetValue(s.Rule, out var r) ? -(int)r.Severity : 0)
                .ThenBy(s => s.Rule, StringComparer.Ordinal).ThenBy(s => s.Subject, StringComparer.Ordinal)
                .Select(s => new AlertView(s.Rule, s.Subject, s.State, AlertRules.Severity(s.Rule), s.ActiveSince, s.FiredAt, s.ClearSince,
                    s.Value, s.Threshold, s.Reason, s.Fingerprint, silences.FirstOrDefault(x => x.Covers(s.Rule, s.Subject, now)), s.Notified))
                .ToList();
            var view = new AlertBoardView(now, alerts, silences, events, failures,
                fired.Select(at => new DateTime(at.Year, at.Month, at.Day, at.Hour, 0, 0, DateTimeKind.Utc)).ToHashSet());

            var next = string.Join('|', [
                .. alerts.Select(a => $"{a.Rule}/{a.Subject}/{a.State}/{a.Value}/{a.ClearSince}/{a.SilencedBy?.Id}/{a.Notified}"),
                .. silences.Select(s => $"s{s.Id}"), $"e{events.FirstOrDefault()?.Id}/{events.Count}",
                .. failures.Select(f => $"f{f.Attempts}/{f.GaveUpAt}")]);
            Volatile.Write(ref current, view);
            if (next != signature)
            {
                signature = next;
                Interlocked.Increment(ref version);
            }
        }
        finally
        {
            turn.Release();
        }
    }
}
