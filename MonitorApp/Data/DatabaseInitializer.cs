using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MonitorApp.Data;

/// <summary>
/// Start-up work that must finish before the app serves requests: migrations where opted in (always for
/// the SQLite default), a clear stop when the database is behind, and each feature's start-up rows (<see cref="IStartupSeed"/>).
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
        foreach (var seed in scope.ServiceProvider.GetServices<IStartupSeed>())
            await seed.SeedAsync(scope.ServiceProvider, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
