using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;
using MonitorApp.ExternalServices;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;

namespace MonitorApp.Metrics;

/// <summary>
/// Computes the whole metrics snapshot every <see cref="MetricsOptions.SnapshotSeconds"/>: eight aggregate
/// queries over counts kept as data arrives (hourly session counts, minute and hour request rollups) and
/// at most an hour of sessions per window edge, plus the external services' (one lookup, two more once a
/// probe round). The cost depends neither on how many people watch nor on how many rows the tables hold.
/// Pages and the API only read the latest snapshot. When the database fails, the last good figures stay, marked stale, and health turns
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

    private long version;

    /// <summary>The latest snapshot, or null before the first one.</summary>
    public MetricsSnapshot? Latest => latest;

    /// <summary>Moves on with every new snapshot (two snapshots may carry the same time, never the same version).</summary>
    public long Version => Interlocked.Read(ref version);

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
                snapshot = Unreachable(now);
            }
            latest = snapshot;
            Interlocked.Increment(ref version);
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

        // Per window: the hourly counts kept at ingestion for the whole hours after the window's first
        // hour, plus the sessions themselves for the part of that first hour inside the window. Exactly
        // "reported (started) at or after the cutoff", at the cost of a few hundred small rows and one hour of sessions.
        var hours = cutoffs.ToDictionary(w => w.Key, w => TimeBuckets.Hour(w.Value));
        var (h1h, h24h, h7d, h30d) = (hours[MetricsWindow.Hour], hours[MetricsWindow.Day], hours[MetricsWindow.Week], hours[MetricsWindow.Month]);
        var (e1h, e24h, e7d, e30d) = (TimeBuckets.HourStart(h1h + 1), TimeBuckets.HourStart(h24h + 1), TimeBuckets.HourStart(h7d + 1), TimeBuckets.HourStart(h30d + 1));

        var qualityHours = await db.SessionQualityCounts.AsNoTracking()
            .Where(c => c.Hour > h30d)
            .GroupBy(c => c.Quality)
            .Select(g => new WindowCounts<ConnectionQuality>(g.Key,
                g.Sum(c => c.Hour > h1h ? c.Sessions : 0), g.Sum(c => c.Hour > h24h ? c.Sessions : 0),
                g.Sum(c => c.Hour > h7d ? c.Sessions : 0), g.Sum(c => c.Sessions)))
            .ToListAsync(ct);
        var qualityEdges = await sessions
            .Where(s => s.Quality != null && ((s.QualityAt >= c1h && s.QualityAt < e1h) || (s.QualityAt >= c24h && s.QualityAt < e24h)
                                              || (s.QualityAt >= c7d && s.QualityAt < e7d) || (s.QualityAt >= c30d && s.QualityAt < e30d)))
            .GroupBy(s => s.Quality!.Value)
            .Select(g => new WindowCounts<ConnectionQuality>(g.Key,
                g.LongCount(s => s.QualityAt >= c1h && s.QualityAt < e1h), g.LongCount(s => s.QualityAt >= c24h && s.QualityAt < e24h),
                g.LongCount(s => s.QualityAt >= c7d && s.QualityAt < e7d), g.LongCount(s => s.QualityAt >= c30d && s.QualityAt < e30d)))
            .ToListAsync(ct);

        var startHours = await db.SessionStartCounts.AsNoTracking()
            .Where(c => c.Hour > h30d)
            .GroupBy(c => c.CategoryId)
            .Select(g => new WindowCounts<int>(g.Key,
                g.Sum(c => c.Hour > h1h ? c.Sessions : 0), g.Sum(c => c.Hour > h24h ? c.Sessions : 0),
                g.Sum(c => c.Hour > h7d ? c.Sessions : 0), g.Sum(c => c.Sessions)))
            .ToListAsync(ct);
        var startEdges = await sessions
            .Where(s => (s.StartedAt >= c1h && s.StartedAt < e1h) || (s.StartedAt >= c24h && s.StartedAt < e24h)
                        || (s.StartedAt >= c7d && s.StartedAt < e7d) || (s.StartedAt >= c30d && s.StartedAt < e30d))
            .GroupBy(s => s.CategoryId)
            .Select(g => new WindowCounts<int>(g.Key,
                g.LongCount(s => s.StartedAt >= c1h && s.StartedAt < e1h), g.LongCount(s => s.StartedAt >= c24h && s.StartedAt < e24h),
                g.LongCount(s => s.StartedAt >= c7d && s.StartedAt < e7d), g.LongCount(s => s.StartedAt >= c30d && s.StartedAt < e30d)))
            .ToListAsync(ct);
        var categories = await db.CounselorCategories.AsNoTracking().OrderBy(c => c.Name).Select(c => new { c.Id, c.Name }).ToListAsync(ct);

        var nowMinute = RequestRollup.ToMinute(now);
        var byService = await RollupReader.ByServiceAsync(db, nowMinute, lastDay: false, ct);
        var lastHour = RollupTotals.Of(byService.Values); // the platform's hour is its services' hours added up: one read, figures that agree
        var byHour = await RollupReader.HourlyAsync(db, nowMinute, MaxHours, service: null, ct);

        var unknown = new Dictionary<string, string>();

        // Counts per window, indexed in MetricsWindow order (hour, day, week, month).
        var byCategoryId = WindowCounts<int>.Add(startHours, startEdges);
        var byQuality = WindowCounts<ConnectionQuality>.Add(qualityHours, qualityEdges);
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

        var hourly = HourPoints(nowMinute, byHour);

        var poolReading = pool.Read(databaseOptions.Value.Provider);
        foreach (var (field, reason) in poolReading.Unknown)
            unknown[field] = reason;

        var external = await externalReader.ReadAsync(db, now, ct);

        var errorRate = lastHour.ErrorRate ?? 0;
        return new MetricsSnapshot(now, false, null, active, avgQuality, lastHour.Requests, lastHour.Errors5xx, errorRate, lastHour.P95Ms,
            poolReading, windows, hourly, external, Judge(true, lastHour.Requests, errorRate, lastHour.P95Ms, poolReading, external), unknown,
            ServiceFigures.Rows(byService, healthOptions.Value));
    }

    /// <summary>The last <see cref="MaxHours"/> hours up to the one holding <paramref name="nowMinute"/>, each with its totals (hours without requests empty).</summary>
    public static IReadOnlyList<HourPoint> HourPoints(long nowMinute, IReadOnlyDictionary<long, RollupTotals> byHour)
    {
        var nowHour = RequestRollup.HourOf(nowMinute);
        var hourly = new List<HourPoint>(MaxHours);
        for (var h = nowHour - MaxHours + 1; h <= nowHour; h++)
        {
            var totals = byHour.TryGetValue(h, out var sums) ? sums : RollupTotals.Empty;
            hourly.Add(new HourPoint(RequestRollup.FromMinute(h * 60), totals.Requests, totals.Errors5xx, totals.ErrorRate, totals.P95Ms));
        }
        return hourly;
    }

    /// <summary>The figures when the database cannot be read. The reason shown is generic: the exception (logged by the caller) can carry host names and SQL.</summary>
    private MetricsSnapshot Unreachable(DateTime now)
    {
        const string reason = DatabaseUnreachableException.Reason;
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

/// <summary>Counts of one key (a category, a quality level) per window, in <see cref="MetricsWindow"/> order.</summary>
public sealed record WindowCounts<TKey>(TKey Key, long Hour, long Day, long Week, long Month) where TKey : notnull
{
    /// <summary>The whole-hour counts and the first-hour counts added up, per key.</summary>
    public static Dictionary<TKey, long[]> Add(IEnumerable<WindowCounts<TKey>> a, IEnumerable<WindowCounts<TKey>> b)
    {
        var sums = new Dictionary<TKey, long[]>();
        foreach (var c in a.Concat(b))
        {
            var n = sums.TryGetValue(c.Key, out var existing) ? existing : sums[c.Key] = new long[4];
            n[0] += c.Hour;
            n[1] += c.Day;
            n[2] += c.Week;
            n[3] += c.Month;
        }
        return sums;
    }
}
