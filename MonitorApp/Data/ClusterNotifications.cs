using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Auth;
using MonitorApp.Sessions;
using Npgsql;

namespace MonitorApp.Data;

/// <summary>
/// What one instance learns that the others must know at once travels over PostgreSQL LISTEN/NOTIFY on
/// one channel: sessions changed (the live counters count again), a token revoked, a user's sign-ins
/// to be checked again. A message is sent inside the writer's transaction, so it arrives only if the
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
    public const string SessionsChanged = "sessions";
    private const string TokenRevokedPrefix = "token:";
    private const string UserChangedPrefix = "user:";

    private readonly TaskCompletionSource listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private bool IsPostgres => options.Value.Provider == DatabaseProvider.Postgres;

    /// <summary>Completes once this instance hears the others (at once with SQLite, where there are none).</summary>
    public Task Listening => IsPostgres ? listening.Task : Task.CompletedTask;

    public Task SessionsChangedAsync(MonitorDbContext db, CancellationToken ct) => NotifyAsync(db, SessionsChanged, ct);

    public Task TokenRevokedAsync(MonitorDbContext db, string name, CancellationToken ct) => NotifyAsync(db, TokenRevokedPrefix + name, ct);

    public Task UserChangedAsync(MonitorDbContext db, string userId, CancellationToken ct) => NotifyAsync(db, UserChangedPrefix + userId, ct);

    private async Task NotifyAsync(MonitorDbContext db, string message, CancellationToken ct)
    {
        if (IsPostgres)
            await db.Database.ExecuteSqlRawAsync("SELECT pg_notify({0}, {1})", [Channel, message], ct);
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
                Receive(SessionsChanged);
                ForgetAllAccessChecks();
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
        if (message == SessionsChanged)
            services.GetRequiredService<LiveSessionCount>().Changed();
        else if (message.StartsWith(TokenRevokedPrefix, StringComparison.Ordinal))
            services.GetRequiredService<RecentlyVerifiedTokens>().ForgetName(message[TokenRevokedPrefix.Length..]);
        else if (message.StartsWith(UserChangedPrefix, StringComparison.Ordinal))
            services.GetRequiredService<RecentSignInChecks>().Forget(message[UserChangedPrefix.Length..]);
    }

    private void ForgetAllAccessChecks()
    {
        services.GetRequiredService<RecentlyVerifiedTokens>().ForgetAll();
        services.GetRequiredService<RecentSignInChecks>().ForgetAll();
    }
}
