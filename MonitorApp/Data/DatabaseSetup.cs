using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.Extensions.Options;
using MonitorApp.Metrics;
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

    /// <summary>Applies migrations when configured to (always for the SQLite default).</summary>
    public static async Task MigrateIfConfiguredAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (options.ShouldMigrateOnStartup)
            await services.MigrateAsync(cancellationToken);
    }

    public static async Task MigrateAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}

// Used only by `dotnet ef migrations add`; neither connects to a database.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMonitorDbContext>
{
    public SqliteMonitorDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<SqliteMonitorDbContext>().UseSqlite("Data Source=design-time.db").UseSnakeCaseNamingConvention().Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMonitorDbContext>
{
    public PostgresMonitorDbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<PostgresMonitorDbContext>().UseNpgsql("Host=localhost;Database=design_time").UseSnakeCaseNamingConvention().Options);
}
