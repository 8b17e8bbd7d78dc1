using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Auth;

namespace MonitorApp.Data;

/// <summary>
/// Start-up work that must finish before the app serves requests: migrations where opted in (always for
/// the SQLite default), a clear stop when the database is behind, and the roles.
/// </summary>
public sealed class DatabaseInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => InitializeAsync(services, cancellationToken);

    public static async Task InitializeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        await DatabaseSetup.RefuseUnknownHistoryAsync(db, services, cancellationToken);
        if (options.ShouldMigrateOnStartup)
            await db.Database.MigrateAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            throw new InvalidOperationException(
                $"The {options.Provider} database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). " +
                "Run `dotnet run --project MonitorApp -- db migrate`, or set Database:MigrateOnStartup=true.");
        }
        await RoleSeeder.EnsureRolesAsync(scope.ServiceProvider);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
