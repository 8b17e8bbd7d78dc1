using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MonitorApp.Data;

/// <summary>The database connection pool as measured right now; null where the provider cannot tell.</summary>
public sealed record DbPoolReading(
    string Provider,
    int? Active,
    int? Idle,
    int? Size,
    int? Pending,
    double? WaitP95Ms,
    int OpenSamples,
    IReadOnlyDictionary<string, string> Unknown)
{
    /// <summary>The <see cref="Provider"/> names, as the JSON and the pool card say them.</summary>
    public const string Sqlite = "sqlite", Postgres = "postgres";
}

/// <summary>
/// Measures the pool in-process. An EF Core connection interceptor counts the connections EF holds open
/// and times every open (the wait for a pooled connection included), for any provider. On PostgreSQL,
/// Npgsql's own meter adds idle, used, maximum and waiting figures for this app's data source only.
/// </summary>
public sealed class DbPoolMonitor : DbConnectionInterceptor, IDisposable
{
    public const string NpgsqlMeterName = "Npgsql";
    private static readonly TimeSpan OpenTimeWindow = TimeSpan.FromMinutes(5);
    private const int MaxOpenSamples = 20_000;

    private readonly TimeProvider time;
    private readonly MeterListener listener = new();
    private readonly ConcurrentQueue<(DateTime At, double Ms)> openTimes = new();
    private readonly object observeLock = new();
    // Connections EF opened and has not closed yet; a disposed-without-close connection also leaves.
    private readonly ConcurrentDictionary<DbConnection, byte> openConnections = new(ReferenceEqualityComparer.Instance);
    private Dictionary<string, long>? observing;
    private long pendingRequests;

    public DbPoolMonitor(TimeProvider time)
    {
        this.time = time;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NpgsqlMeterName && instrument.Name.StartsWith("db.client.connection", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Observe(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Observe(i, v, tags));
        listener.Start();
    }

    /// <summary>The Npgsql data source name whose figures are ours (other pools in the process are ignored).</summary>
    public string? NpgsqlPoolName { get; set; }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Opened(connection, eventData.Duration);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Opened(connection, eventData.Duration);
        return Task.CompletedTask;
    }

    public override void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => openConnections.TryRemove(connection, out _);

    public override Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        openConnections.TryRemove(connection, out _);
        return Task.CompletedTask;
    }

    public override void ConnectionDisposed(DbConnection connection, ConnectionEndEventData eventData) => openConnections.TryRemove(connection, out _);

    public override Task ConnectionDisposedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        openConnections.TryRemove(connection, out _);
        return Task.CompletedTask;
    }

    private void Opened(DbConnection connection, TimeSpan duration)
    {
        openConnections[connection] = 0;
        openTimes.Enqueue((time.GetUtcNow().UtcDateTime, duration.TotalMilliseconds));
        while (openTimes.Count > MaxOpenSamples && openTimes.TryDequeue(out _))
        {
        }
    }

    public DbPoolReading Read(DatabaseProvider provider)
    {
        var cutoff = time.GetUtcNow().UtcDateTime - OpenTimeWindow;
        while (openTimes.TryPeek(out var oldest) && oldest.At < cutoff && openTimes.TryDequeue(out _))
        {
        }
        var samples = openTimes.Where(s => s.At >= cutoff).Select(s => s.Ms).Order().ToArray();
        double? p95 = samples.Length == 0 ? null : samples[Math.Max(0, (int)Math.Ceiling(0.95 * samples.Length) - 1)];
        var unknown = new Dictionary<string, string>();
        if (p95 is null)
            unknown[FigureNames.DbPoolWaitP95Ms] = "no connection was opened in the last 5 minutes";

        if (provider == DatabaseProvider.Sqlite)
        {
            const string reason = "SQLite is an in-process file database: it has no server connection pool to size, idle or queue on";
            unknown[FigureNames.DbPoolIdle] = reason;
            unknown[FigureNames.DbPoolSize] = reason;
            unknown[FigureNames.DbPoolPending] = reason;
            return new DbPoolReading(DbPoolReading.Sqlite, openConnections.Count, null, null, null, p95, samples.Length, unknown);
        }

        var figures = ObserveNpgsql();
        if (figures.Count > 0)
            figures["pending"] = Math.Max(0, Interlocked.Read(ref pendingRequests));
        int? Figure(string key, string reason)
        {
            if (figures.TryGetValue(key, out var value))
                return (int)value;
            unknown[FieldFor(key)] = reason;
            return null;
        }
        const string notYet = "Npgsql has not reported this pool yet (no connection opened since start)";
        var used = Figure("used", notYet);
        var idle = Figure("idle", notYet);
        var max = Figure("max", notYet);
        var pending = Figure("pending", notYet);
        return new DbPoolReading(DbPoolReading.Postgres, used, idle, max, pending, p95, samples.Length, unknown);
    }

    private static string FieldFor(string key) => key switch
    {
        "used" => "db_pool_active",
        "idle" => "db_pool_idle",
        "max" => "db_pool_size",
        _ => "db_pool_pending",
    };

    private Dictionary<string, long> ObserveNpgsql()
    {
        lock (observeLock)
        {
            observing = [];
            listener.RecordObservableInstruments();
            var result = observing;
            observing = null;
            return result;
        }
    }

    private void Observe(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (NpgsqlPoolName is null)
            return;
        string? pool = null, state = null;
        foreach (var tag in tags)
        {
            if (tag.Key is "db.client.connection.pool.name" or "pool.name")
                pool = tag.Value as string;
            else if (tag.Key is "db.client.connection.state" or "state")
                state = tag.Value as string;
        }
        if (pool != NpgsqlPoolName)
            return;
        if (!instrument.IsObservable)
        {
            // Waiters are an up-down counter reported on every change, not on observation: keep the sum.
            if (instrument.Name.EndsWith("pending_requests", StringComparison.Ordinal))
                Interlocked.Add(ref pendingRequests, value);
            return;
        }
        var target = observing;
        if (target is null)
            return;
        var key = instrument.Name switch
        {
            "db.client.connection.count" => state,
            "db.client.connection.max" => "max",
            _ => null,
        };
        if (key is not null)
            target[key] = target.GetValueOrDefault(key) + value;
    }

    public void Dispose() => listener.Dispose();
}
