using Medallion.Threading.Postgres;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MonitorApp.Data;

/// <summary>
/// [elected] Decides which instance does the work that must happen once — probing the providers,
/// deleting old rows — when several instances share one PostgreSQL: the one holding a PostgreSQL
/// advisory lock. The lock lives as long as that instance's connection, so when the process dies the
/// server releases it and another instance takes it within <see cref="RetryEvery"/>. SQLite means one
/// instance, which is always the elected one.
/// </summary>
public sealed class LeaderElection(IOptions<DatabaseOptions> options, ILogger<LeaderElection> logger) : BackgroundService
{
    /// <summary>How often an instance that is not elected tries to take over.</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);

    private readonly TaskCompletionSource firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool elected;
    private volatile bool heldLast;
    private TaskCompletionSource termStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether this instance does the once-only work now (waits for the first attempt at start).</summary>
    public async Task<bool> IsElectedAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Provider != DatabaseProvider.Postgres)
            return true;
        await firstAttempt.Task.WaitAsync(cancellationToken);
        return elected;
    }

    /// <summary>
    /// Whether this instance held the election the last time the database could say (always on SQLite). While PostgreSQL is
    /// unreachable nobody holds it; the instance that held it last is the one to say so (the database_unreachable alert).
    /// </summary>
    public bool HeldLast => options.Value.Provider != DatabaseProvider.Postgres || heldLast;

    /// <summary>
    /// Completes when this instance next becomes the elected one (a takeover), so once-only work can start at
    /// once instead of at its next scheduled round. Never completes on SQLite, where nothing changes hands.
    /// </summary>
    public Task NextTermAsync(CancellationToken cancellationToken) => Volatile.Read(ref termStarted).Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Provider != DatabaseProvider.Postgres)
            return;
        // The lock's connection spends its life in a long query that watches for the lock being lost. PostgreSQL
        // notices a closed client only when it reads from it, so the server is told to check each second while a
        // query runs: when the holding process dies (even kill -9) the lock is free within a second or two, not
        // when the watching query ends. The holder also runs a keep-alive query every 15 s and the server ends a
        // session idle for 45 s, so a holder whose host vanished (no close ever arrives) loses the lock within a minute.
        var connectionString = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString)
        {
            Options = "-c idle_session_timeout=45s -c client_connection_check_interval=1s",
        }.ConnectionString;
        var advisoryLock = new PostgresDistributedLock(new PostgresAdvisoryLockKey("monitorapp-elected", allowHashing: true),
            connectionString, o => o.KeepaliveCadence(TimeSpan.FromSeconds(15)));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await using var handle = await advisoryLock.TryAcquireAsync(TimeSpan.Zero, stoppingToken);
                    heldLast = handle is not null; // the database answered: now we know who holds it
                    if (handle is not null)
                    {
                        elected = true;
                        // Before the first attempt is known: work that waited for the first attempt is this term's
                        // first round, and must not also see the term's start as a takeover.
                        Interlocked.Exchange(ref termStarted, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                        firstAttempt.TrySetResult();
                        logger.LogInformation("This instance is now the elected one: it probes the providers and deletes old rows");
                        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, handle.HandleLostToken);
                        await Task.Delay(Timeout.Infinite, lost.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                        elected = false;
                        if (!stoppingToken.IsCancellationRequested)
                            logger.LogWarning("Lost the election lock (database connection gone); trying to take it again");
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    elected = false;
                    logger.LogWarning(ex, "Could not take part in the election; trying again in {Seconds} s", RetryEvery.TotalSeconds);
                }
                firstAttempt.TrySetResult();
                // Real time, not the app's clock: this paces retries, it is not a figure.
                await Task.Delay(RetryEvery, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            elected = false;
            firstAttempt.TrySetResult();
        }
    }
}
