using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.ExternalServices;

/// <summary>A service's status between checks: what it is called, since when, and how many failures in a row.</summary>
public sealed record ServiceState(string Status, DateTime StatusSince, int ConsecutiveFailures)
{
    /// <summary>
    /// The flap guard: a failed check makes a service down only when it is the
    /// <paramref name="failuresBeforeDown"/>-th in a row; until then the service keeps its status
    /// (unknown if it never had one). Any answer that is not a failure sets the status at once.
    /// </summary>
    public static ServiceState Next(ServiceState? previous, string result, DateTime at, int failuresBeforeDown)
    {
        var failures = result == ServiceStatus.Down ? (previous?.ConsecutiveFailures ?? 0) + 1 : 0;
        var status = result != ServiceStatus.Down ? result
            : failures >= failuresBeforeDown ? ServiceStatus.Down
            : previous?.Status ?? ServiceStatus.Unknown;
        return previous is not null && previous.Status == status
            ? previous with { ConsecutiveFailures = failures }
            : new ServiceState(status, at, failures);
    }
}

/// <summary>
/// [elected] Probes every configured service each <see cref="ExternalServicesOptions.IntervalSeconds"/>,
/// all at once, and stores every check — on the elected instance only, so several instances do not
/// multiply the checks. Nothing waits on it: the snapshot reads the stored checks.
/// </summary>
public sealed class ExternalServiceProber(
    ServiceProbe probe,
    LeaderElection election,
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<ExternalServicesOptions> options,
    ILogger<ExternalServiceProber> logger) : BackgroundService
{
    /// <summary>Checks kept in memory while the database is unreachable (a day of three services at 60 s).</summary>
    private const int MaxUnsaved = 5000;

    private readonly TaskCompletionSource firstRound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly SemaphoreSlim rounds = new(1, 1);
    private DateTimeOffset lastRoundAt = DateTimeOffset.MinValue;
    private readonly Dictionary<string, ServiceState> states = new(StringComparer.Ordinal);
    private readonly List<ServiceCheck> unsaved = [];
    private bool restored;
    private bool wasElected;
    private DateTime lastPruned = DateTime.MinValue;

    /// <summary>Completes when the round run at start-up has ended (its checks stored, or their storing failed).</summary>
    public Task FirstRound => firstRound.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.IntervalSeconds), time);
        try
        {
            await RoundAsync(scheduled: false, stoppingToken);
            firstRound.TrySetResult();
            var takeovers = RoundOnEachTakeoverAsync(stoppingToken);
            while (await timer.WaitForNextTickAsync(stoppingToken))
                await RoundAsync(scheduled: true, stoppingToken);
            await takeovers;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>An instance that takes over from one that died probes at once: the checks go on within one interval.</summary>
    private async Task RoundOnEachTakeoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                await election.NextTermAsync(stoppingToken);
                await RoundAsync(scheduled: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// One round, never two at once. A scheduled round that comes less than half an interval after the last one
    /// (a takeover round just ran) is skipped, so a takeover neither stores a check twice nor counts a failure twice.
    /// </summary>
    private async Task RoundAsync(bool scheduled, CancellationToken stoppingToken)
    {
        await rounds.WaitAsync(stoppingToken);
        try
        {
            var now = time.GetUtcNow();
            if (scheduled && now - lastRoundAt < TimeSpan.FromSeconds(options.Value.IntervalSeconds / 2.0))
                return;
            lastRoundAt = now;
            await ElectedRoundAsync(stoppingToken);
        }
        finally
        {
            rounds.Release();
        }
    }

    private async Task ElectedRoundAsync(CancellationToken stoppingToken)
    {
        try
        {
            if (!await election.IsElectedAsync(stoppingToken))
            {
                wasElected = false;
                return;
            }
            if (!wasElected)
            {
                // Newly elected: carry on from what the previously elected instance stored.
                await gate.WaitAsync(stoppingToken);
                states.Clear();
                restored = false;
                gate.Release();
                wasElected = true;
            }
            await CheckAllAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A bug here must not stop the host (and with it the dashboard); the next round tries again.
            logger.LogError(ex, "A round of external-service checks failed");
        }
    }

    /// <summary>One round: probe every probed service, apply the flap guard, store the checks.</summary>
    public async Task<IReadOnlyList<ServiceCheck>> CheckAllAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            var o = options.Value;
            var targets = o.Services.Where(s => s.Value.NotProbedReason() is null).ToList();
            if (targets.Count == 0)
                return [];
            await RestoreAsync(cancellationToken);

            var at = time.GetUtcNow().UtcDateTime;
            var outcomes = await Task.WhenAll(targets.Select(async t => (Name: t.Key, Outcome: await probe.ProbeAsync(t.Value, cancellationToken))));
            var checks = new List<ServiceCheck>(outcomes.Length);
            foreach (var (name, outcome) in outcomes)
            {
                states.TryGetValue(name, out var previous);
                var state = ServiceState.Next(previous, outcome.Result, at, o.FailuresBeforeDown);
                states[name] = state;
                var detail = outcome.Result == ServiceStatus.Down && state.Status != ServiceStatus.Down
                    ? $"{outcome.Detail} (failed check {state.ConsecutiveFailures} of {o.FailuresBeforeDown} before down)"
                    : outcome.Detail;
                checks.Add(new ServiceCheck
                {
                    Service = name,
                    CheckedAt = at,
                    Result = outcome.Result,
                    Status = state.Status,
                    StatusSince = state.StatusSince,
                    ConsecutiveFailures = state.ConsecutiveFailures,
                    LatencyMs = outcome.LatencyMs,
                    Detail = ServiceCheck.Clip(detail), // clipped once, where it is stored
                });
                if (previous is not null && previous.Status != state.Status)
                    logger.LogInformation("{Service} is now {Status}: {Detail}", name, state.Status, detail);
            }
            await StoreAsync(checks, at, cancellationToken);
            return checks;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>After a restart, carry on from the stored statuses so a restart neither resets nor invents a change.</summary>
    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        if (restored)
            return;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            foreach (var check in await LatestChecks(db).ToListAsync(cancellationToken))
                states.TryAdd(check.Service, new ServiceState(check.Status, check.StatusSince, check.ConsecutiveFailures));
            restored = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not read the last stored service statuses; probing anyway and trying again next round");
        }
    }

    private async Task StoreAsync(List<ServiceCheck> checks, DateTime now, CancellationToken cancellationToken)
    {
        unsaved.AddRange(checks);
        if (unsaved.Count > MaxUnsaved)
            unsaved.RemoveRange(0, unsaved.Count - MaxUnsaved);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
            db.ServiceChecks.AddRange(unsaved);
            await db.SaveChangesAsync(cancellationToken);
            unsaved.Clear();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A retry must insert these again, whatever the failed attempt did to their ids.
            foreach (var check in unsaved)
                check.Id = 0;
            logger.LogWarning(ex, "Could not store {Count} service checks; keeping them for the next round", unsaved.Count);
            return;
        }
        if (now - lastPruned >= TimeSpan.FromHours(1))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var oldest = now.AddDays(-options.Value.RetentionDays);
                await scope.ServiceProvider.GetRequiredService<MonitorDbContext>().ServiceChecks.Where(c => c.CheckedAt < oldest).ExecuteDeleteAsync(cancellationToken);
                lastPruned = now;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Pruning old service checks failed; trying again next round");
            }
        }
    }

    /// <summary>The newest check of each service (ids grow with time on both providers).</summary>
    public static IQueryable<ServiceCheck> LatestChecks(MonitorDbContext db)
    {
        var latestIds = db.ServiceChecks.GroupBy(c => c.Service).Select(g => g.Max(c => c.Id));
        return db.ServiceChecks.AsNoTracking().Where(c => latestIds.Contains(c.Id));
    }
}
