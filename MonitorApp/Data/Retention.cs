using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;

namespace MonitorApp.Data;

/// <summary>What one retention round deleted.</summary>
public sealed record Pruned(int Rollups, int Sessions, int Categories, int TimelineEvents);

/// <summary>
/// [elected] Deletes, hourly, what is older than it is kept: request rollups after <see cref="TelemetryOptions.RetentionDays"/>,
/// sessions not heard from after <see cref="SessionsOptions.RetentionDays"/> with their hourly counts, and categories no
/// session refers to any more; timeline events, sent notifications and ended silences after <c>Alerts:RetentionDays</c>; audit events
/// after <c>Audit:RetentionDays</c>; sign-in sessions a day after they ended or could no longer be used. (Probe history is pruned
/// by the prober.) Events older than these windows are refused at ingestion, so nothing pruned comes back.
/// </summary>
public sealed class Retention(
    IServiceScopeFactory scopes,
    LeaderElection election,
    TimeProvider time,
    IOptions<TelemetryOptions> telemetry,
    IOptions<SessionsOptions> sessions,
    ServiceLimit services,
    IOptions<Alerts.AlertsOptions> alerts,
    IOptions<Audit.AuditOptions> audit,
    IOptions<Auth.AuthOptions> auth,
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
                    logger.LogWarning(ex, "Pruning old rollups and sessions failed; trying again in an hour");
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

    public async Task<Pruned> PruneAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();

        var oldestMinute = RequestRollup.ToMinute(now.AddDays(-telemetry.Value.RetentionDays));
        var oldestRollupHour = RequestRollup.HourOf(oldestMinute);
        await db.RequestRollupHours.Where(r => r.Hour < oldestRollupHour).ExecuteDeleteAsync(cancellationToken);
        var rollups = await db.RequestRollups.Where(r => r.Minute < oldestMinute).ExecuteDeleteAsync(cancellationToken);
        // A cumulative OTLP stream not heard from for as long as rollups are kept: its sender is gone (were it to come back
        // with the same start, its whole count would be taken again, and that much is older than any figure shows).
        var quietSince = now.AddDays(-telemetry.Value.RetentionDays);
        await db.OtlpStreams.Where(s => s.UpdatedAt < quietSince).ExecuteDeleteAsync(cancellationToken);
        services.Forget(); // a service whose last rows went no longer counts toward Telemetry:MaxServices

        // A session goes when nothing about it is newer than the window; the hourly counts of hours wholly
        // before the window go with it (no figure looks back further than 30 days, and retention is at least 30).
        var oldest = now.AddDays(-sessions.Value.RetentionDays);
        var oldestHour = TimeBuckets.Hour(oldest);
        using var turn = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        var pruned = await db.Sessions.Where(s => s.LastSeenAt < oldest && (s.EndedAt == null || s.EndedAt < oldest)).ExecuteDeleteAsync(cancellationToken);
        await db.SessionStartCounts.Where(c => c.Hour < oldestHour).ExecuteDeleteAsync(cancellationToken);
        await db.SessionQualityCounts.Where(c => c.Hour < oldestHour).ExecuteDeleteAsync(cancellationToken);
        // Raw stats windows and the minute bins (which serve only the last hour) are kept StatsStore.KeptDays (older stats
        // events are refused); the hour bins as long as the longest window the per-provider figures show.
        var nowMinute = TimeBuckets.Minute(now);
        var statsBefore = now.AddDays(-Quality.StatsStore.KeptDays);
        await db.SessionStats.Where(w => w.At < statsBefore).ExecuteDeleteAsync(cancellationToken);
        var minuteBinsBefore = nowMinute - (long)TimeSpan.FromDays(Quality.StatsStore.KeptDays).TotalMinutes;
        var hourBinsBefore = nowMinute - (long)Quality.QualityFigures.Windows.Max(w => Metrics.MetricsWindows.Length(w)).TotalMinutes;
        await db.QualityBins.Where(b => b.WidthMinutes == Quality.QualityBin.Minute && b.StartMinute < minuteBinsBefore).ExecuteDeleteAsync(cancellationToken);
        await db.QualityBins.Where(b => b.WidthMinutes == Quality.QualityBin.Hour && b.StartMinute < hourBinsBefore).ExecuteDeleteAsync(cancellationToken);
        // A category nothing refers to any more makes room under Sessions:MaxCategories (a batch that picked it up just
        // before is retried by the ingestor, which creates it again).
        var categories = await db.CounselorCategories
            .Where(c => !db.Sessions.Any(s => s.CategoryId == c.Id) && !db.SessionStartCounts.Any(n => n.CategoryId == c.Id))
            .ExecuteDeleteAsync(cancellationToken);

        // The incident timeline and what was sent (or given up on): an open notification is never deleted.
        var oldestEvent = now.AddDays(-alerts.Value.RetentionDays);
        var events = await db.TimelineEvents.Where(e => e.At < oldestEvent).ExecuteDeleteAsync(cancellationToken);
        await db.AlertNotifications.Where(n => n.CreatedAt < oldestEvent && (n.DeliveredAt != null || n.GaveUpAt != null)).ExecuteDeleteAsync(cancellationToken);
        await db.Silences.Where(x => x.EndsAt < oldestEvent).ExecuteDeleteAsync(cancellationToken);

        var oldestAudit = now.AddDays(-audit.Value.RetentionDays);
        await db.AuditEvents.Where(e => e.At < oldestAudit).ExecuteDeleteAsync(cancellationToken);
        var sessionsBefore = now.AddDays(-1);
        // A wall screen's sign-in may live longer than a person's.
        var startedBefore = sessionsBefore - (auth.Value.WallScreenLifetime > auth.Value.AbsoluteLifetime ? auth.Value.WallScreenLifetime : auth.Value.AbsoluteLifetime);
        await db.SignInSessions.Where(s => s.EndedAt < sessionsBefore || s.CreatedAt < startedBefore).ExecuteDeleteAsync(cancellationToken);
        return new Pruned(rollups, pruned, categories, events);
    }
}
