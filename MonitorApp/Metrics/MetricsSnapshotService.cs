using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;

namespace MonitorApp.Metrics;

/// <summary>
/// Computes the whole metrics snapshot every <see cref="MetricsOptions.SnapshotSeconds"/>: six aggregate
/// queries and the external services' (one lookup, two more once a probe round), however many people watch and however many rows there are. Pages and the API only read the
/// latest snapshot. When the database fails, the last good figures stay, marked stale, and health turns
/// critical.
/// </summary>
public sealed class MetricsSnapshotService(
    IServiceScopeFactory scopes,
    DbPoolMonitor pool,
    TimeProvider time,
    IOptions<MetricsOptions> metricsOptions,
    IOptions<SessionsOptions> sessionOptions,
    IOptions<HealthOptions> healthOptions,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<ExternalServicesOptions> externalOptions,
    ExternalServiceReader externalReader,
    LiveSessionCount liveCount,
    ILogger<MetricsSnapshotService> logger) : BackgroundService
{
    /// <summary>How many hourly points the snapshot keeps (the error-rate endpoint serves up to this many).</summary>
    public const int MaxHours = 168;

    private readonly TaskCompletionSource firstSnapshot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile MetricsSnapshot? latest;

    public async Task<MetricsSnapshot> GetAsync(CancellationToken cancellationToken)
    {
        if (latest is { } snapshot)
            return snapshot;
        await firstSnapshot.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return latest!;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(metricsOptions.Value.SnapshotSeconds), time);
        try
        {
            do
            {
                await RefreshAsync(stoppingToken);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Computes a new snapshot now (the timer calls this; tests call it after changing data).</summary>
    public async Task<MetricsSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            MetricsSnapshot snapshot;
            try
            {
                snapshot = await ComputeAsync(now, cancellationToken);
                if (snapshot.ActiveSessions is { } active)
                    liveCount.Offer(active, started); // the live counter's figure between events
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Metrics snapshot failed; keeping the last good figures, marked stale");
                snapshot = Unreachable(now, ex);
            }
            latest = snapshot;
            firstSnapshot.TrySetResult();
            return snapshot;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<MetricsSnapshot> ComputeAsync(DateTime now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        var sessions = db.Sessions.AsNoTracking();
        var cutoffs = Enum.GetValues<MetricsWindow>().ToDictionary(w => w, w => now - w.Length());
        var (c1h, c24h, c7d, c30d) = (cutoffs[MetricsWindow.Hour], cutoffs[MetricsWindow.Day], cutoffs[MetricsWindow.Week], cutoffs[MetricsWindow.Month]);

        var active = await ActiveSessions.Of(sessions, now, sessionOptions.Value.StaleAfterMinutes).LongCountAsync(ct);

        // Latest quality of each session reported within a window, counted per level, all windows at once.
        var qualityRows = await sessions
            .Where(s => s.Quality != null && s.QualityAt >= c30d)
            .GroupBy(s => s.Quality)
            .Select(g => new
            {
                Quality = g.Key,
                Hour = g.LongCount(s => s.QualityAt >= c1h),
                Day = g.LongCount(s => s.QualityAt >= c24h),
                Week = g.LongCount(s => s.QualityAt >= c7d),
                Month = g.LongCount(),
            })
            .ToListAsync(ct);

        var categoryRows = await sessions
            .Where(s => s.StartedAt >= c30d)
            .GroupBy(s => s.CategoryId)
            .Select(g => new
            {
                CategoryId = g.Key,
                Hour = g.LongCount(s => s.StartedAt >= c1h),
                Day = g.LongCount(s => s.StartedAt >= c24h),
                Week = g.LongCount(s => s.StartedAt >= c7d),
                Month = g.LongCount(),
            })
            .ToListAsync(ct);
        var categories = await db.CounselorCategories.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct);

        var nowMinute = RequestRollup.ToMinute(now);
        var lastHour = await RollupReader.LastHourAsync(db, nowMinute, ct);
        var nowHour = nowMinute / 60;
        var byHour = await RollupReader.HourlyAsync(db, nowMinute, MaxHours, ct);

        var unknown = new Dictionary<string, string>();

        // Counts per window, indexed in MetricsWindow order (hour, day, week, month).
        var byCategoryId = categoryRows.ToDictionary(r => r.CategoryId, r => new[] { r.Hour, r.Day, r.Week, r.Month });
        var byQuality = qualityRows.ToDictionary(r => r.Quality!.Value, r => new[] { r.Hour, r.Day, r.Week, r.Month });
        var windows = new Dictionary<MetricsWindow, SessionWindowFigures>();
        foreach (var window in Enum.GetValues<MetricsWindow>())
        {
            var byCategory = categories.ToDictionary(c => c.Name, c => byCategoryId.TryGetValue(c.Id, out var n) ? n[(int)window] : 0);
            var qualityCounts = Enum.GetValues<ConnectionQuality>().OrderDescending()
                .ToDictionary(q => q.Name(), q => byQuality.TryGetValue(q, out var n) ? n[(int)window] : 0);
            windows[window] = new SessionWindowFigures(byCategory.Values.Sum(), byCategory, qualityCounts, Percentages.OneDecimal(qualityCounts));
        }

        var avgQuality = QualityScale.Average(windows[MetricsWindow.Hour].QualityCounts);
        if (avgQuality == FigureNames.Unknown)
            unknown[FigureNames.AvgConnectionQuality] = "no session reported its connection quality in the last hour";

        if (lastHour.Requests == 0)
        {
            unknown[FigureNames.ErrorRateLastHour] = "no API requests in the last 60 minutes (reported as 0)";
            unknown[FigureNames.ApiResponseTimeP95] = "no API requests in the last 60 minutes";
        }

        var hourly = new List<HourPoint>(MaxHours);
        for (var h = nowHour - MaxHours + 1; h <= nowHour; h++)
        {
            var totals = byHour.TryGetValue(h, out var sums) ? sums : RollupTotals.Empty;
            hourly.Add(new HourPoint(RequestRollup.FromMinute(h * 60), totals.Requests, totals.Errors5xx, totals.ErrorRate, totals.P95Ms));
        }

        var poolReading = pool.Read(databaseOptions.Value.Provider);
        foreach (var (field, reason) in poolReading.Unknown)
            unknown[field] = reason;

        var external = await externalReader.ReadAsync(db, now, ct);

        var errorRate = lastHour.ErrorRate ?? 0;
        return new MetricsSnapshot(now, false, null, active, avgQuality, lastHour.Requests, lastHour.Errors5xx, errorRate, lastHour.P95Ms,
            poolReading, windows, hourly, external, Judge(true, lastHour.Requests, errorRate, lastHour.P95Ms, poolReading, external), unknown);
    }

    private MetricsSnapshot Unreachable(DateTime now, Exception error)
    {
        var reason = $"database unreachable: {error.GetBaseException().Message}";
        var poolReading = pool.Read(databaseOptions.Value.Provider);
        var previous = latest;
        if (previous is null)
        {
            var empty = new SessionWindowFigures(0, new Dictionary<string, long>(), new Dictionary<string, long>(), new Dictionary<string, double>());
            var unknown = new Dictionary<string, string>
            {
                [FigureNames.ActiveSessions] = reason,
                [FigureNames.AvgConnectionQuality] = reason,
                [FigureNames.ErrorRateLastHour] = reason,
                [FigureNames.ApiResponseTimeP95] = reason,
            };
            var external = ExternalServiceReader.Unreadable(externalOptions.Value, reason);
            return new MetricsSnapshot(now, true, reason, null, FigureNames.Unknown, 0, 0, 0, null, poolReading,
                Enum.GetValues<MetricsWindow>().ToDictionary(w => w, _ => empty), [], external,
                Judge(false, 0, 0, null, poolReading, external), unknown);
        }
        return previous with
        {
            Stale = true,
            StaleReason = reason,
            DbPool = poolReading,
            Health = Judge(false, previous.RequestsLastHour, previous.ErrorRateLastHour, previous.ApiResponseTimeP95, poolReading, previous.ExternalServices),
        };
    }

    private HealthVerdict Judge(bool databaseReachable, long requests, double errorRate, double? p95, DbPoolReading poolReading,
        IReadOnlyList<ExternalServiceFigures> external) =>
        HealthEvaluator.Evaluate(
            new HealthInputs(databaseReachable, requests, errorRate, p95, poolReading.Active, poolReading.Size, poolReading.Pending,
                external.Where(s => s.Status == ServiceStatus.Down).Select(s => s.DisplayName).ToList()),
            healthOptions.Value);
}
