using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MonitorApp.Data;

/// <summary>
/// What one instance learns that the others must know at once travels over PostgreSQL LISTEN/NOTIFY on
/// one channel, as a topic and an optional key ("sessions", "token:&lt;name&gt;", "user:&lt;id&gt;"): each feature that must
/// hear one registers an <see cref="IClusterListener"/> for its topic. A message is sent inside the writer's transaction, so it arrives only if the
/// change was committed. Every instance, the sender included, listens. With SQLite there is one instance
/// and nothing to send.
/// </summary>
public sealed class ClusterNotifications(
    IOptions<DatabaseOptions> options,
    IServiceProvider services,
    ILogger<ClusterNotifications> logger) : BackgroundService
{
    public const string Channel = "monitorapp";
    private static readonly TimeSpan PingEvery = TimeSpan.FromSeconds(15);

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool IsPostgres => options.Value.Provider == DatabaseProvider.Postgres;

    /// <summary>Completes once this instance hears the others (at once with SQLite, where there are none).</summary>
    public Task Listening => IsPostgres ? listening.Task : Task.CompletedTask;

    /// <summary>Tells every instance (inside <paramref name="db"/>'s transaction, if one is open) that <paramref name="topic"/> changed, for <paramref name="key"/> if given.</summary>
    public async Task NotifyAsync(MonitorDbContext db, string topic, string? key, CancellationToken ct)
    {
        if (IsPostgres)
            await db.Database.ExecuteSqlRawAsync("SELECT pg_notify({0}, {1})", [Channel, key is null ? topic : $"{topic}:{key}"], ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!IsPostgres)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A connection of its own, outside the app's pool (whose use the dashboard reports).
                await using var connection = new NpgsqlConnection(options.Value.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, e) => Receive(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                // Whatever was sent while this instance was not listening is unknown: act as if everything changed.
                foreach (var listener in services.GetServices<IClusterListener>())
                    listener.Missed();
                listening.TrySetResult();
                while (!stoppingToken.IsCancellationRequested)
                {
                    // A quiet connection is tried now and then, so one that silently died is noticed and replaced.
                    if (!await connection.WaitAsync(PingEvery, stoppingToken))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection) { CommandTimeout = 10 };
                        await ping.ExecuteNonQueryAsync(stoppingToken);
                    }
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Listening for other instances' changes failed; listening again in a second");
                try
                {
                    // Real time: this paces reconnection attempts.
                    await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Receive(string message)
    {
        var colon = message.IndexOf(':');
        var (topic, key) = colon < 0 ? (message, null) : (message[..colon], message[(colon + 1)..]);
        foreach (var listener in services.GetServices<IClusterListener>())
        {
            if (listener.Topic == topic)
                listener.Receive(key);
        }
    }
}
