using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using Npgsql;

namespace MonitorApp.Data;

public static class DatabaseSetup
{
    /// <summary>The one place where SQLite or PostgreSQL is chosen.</summary>
    public static IServiceCollection AddMonitorDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .PostConfigure<IConfiguration, IHostEnvironment>((options, configuration, environment) =>
            {
                var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
                options.ConnectionString = !string.IsNullOrWhiteSpace(configured)
                    ? configured
                    : options.Provider == DatabaseProvider.Sqlite
                        ? $"Data Source={Path.Combine(environment.ContentRootPath, "monitor.db")}"
                        : "";
            })
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<DbPoolMonitor>();
        // One named data source, so the pool monitor can tell this app's Npgsql pool from any other.
        services.AddSingleton(sp =>
        {
            var builder = new NpgsqlDataSourceBuilder(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
            {
                Name = $"monitorapp-{Guid.NewGuid():N}",
            };
            sp.GetRequiredService<DbPoolMonitor>().NpgsqlPoolName = builder.Name;
            return builder.Build();
        });

        // The options are built once (singleton), not once per request: they depend on singletons only.
        services.AddDbContext<SqliteMonitorDbContext>((sp, builder) =>
            builder.UseSqlite(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetRequiredService<DbPoolMonitor>()), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        services.AddDbContext<PostgresMonitorDbContext>((sp, builder) =>
            builder.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>())
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(sp.GetRequiredService<DbPoolMonitor>()), ServiceLifetime.Scoped, ServiceLifetime.Singleton);

        services.AddScoped<MonitorDbContext>(sp => sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider switch
        {
            DatabaseProvider.Postgres => sp.GetRequiredService<PostgresMonitorDbContext>(),
            _ => sp.GetRequiredService<SqliteMonitorDbContext>(),
        });
        services.AddHostedService<DatabaseInitializer>();
        services.AddSingleton<LeaderElection>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElection>());
        services.AddSingleton<ClusterNotifications>();
        services.AddHostedService(sp => sp.GetRequiredService<ClusterNotifications>());
        services.AddSingleton<Retention>();
        services.AddHostedService(sp => sp.GetRequiredService<Retention>());
        return services;
    }

    /// <summary>`db migrate`: applies pending migrations, refusing a database from before the squash.</summary>
    public static async Task MigrateAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        await RefuseUnknownHistoryAsync(db, services, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>
    /// A context outside any app host (no interceptor, no shared data source), with the same provider and naming as the
    /// app's: for `dotnet ef` at design time and for preparing or inspecting a database in tests.
    /// </summary>
    public static MonitorDbContext CreateContext(DatabaseProvider provider, string connectionString) => provider switch
    {
        DatabaseProvider.Postgres => new PostgresMonitorDbContext(new DbContextOptionsBuilder<PostgresMonitorDbContext>()
            .UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options),
        _ => new SqliteMonitorDbContext(new DbContextOptionsBuilder<SqliteMonitorDbContext>()
            .UseSqlite(connectionString).UseSnakeCaseNamingConvention().Options),
    };

    /// <summary>
    /// The migrations were squashed into one per provider before any deployment (README, "Migrations"): a database
    /// whose history names migrations this build does not have was made by an earlier build, and applying the initial
    /// migration over its tables would fail half-way. Stop before touching it, saying what to do.
    /// </summary>
    public static async Task RefuseUnknownHistoryAsync(MonitorDbContext db, IServiceProvider services, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var unknown = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).Where(m => !known.Contains(m)).ToList();
        if (unknown.Count == 0)
            return;
        var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
        var remedy = provider == DatabaseProvider.Sqlite
            ? "Delete the SQLite file (ConnectionStrings:Monitor; by default MonitorApp/monitor.db) and start again"
            : "Drop and re-create the PostgreSQL database, then run `db migrate`";
        throw new InvalidOperationException(
            $"The {provider} database was created by an earlier build of MonitorApp: its migration history holds {unknown.Count} migration(s) " +
            $"this build does not know ({string.Join(", ", unknown.Take(5))}{(unknown.Count > 5 ? ", …" : "")}), because the migrations were squashed " +
            $"into one initial migration before the first release. {remedy}; nothing was changed.");
    }
}

// Used only by `dotnet ef migrations add`; neither connects to a database.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMonitorDbContext>
{
    public SqliteMonitorDbContext CreateDbContext(string[] args) => (SqliteMonitorDbContext)DatabaseSetup.CreateContext(DatabaseProvider.Sqlite, "Data Source=design-time.db");
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMonitorDbContext>
{
    public PostgresMonitorDbContext CreateDbContext(string[] args) => (PostgresMonitorDbContext)DatabaseSetup.CreateContext(DatabaseProvider.Postgres, "Host=localhost;Database=design_time");
}
