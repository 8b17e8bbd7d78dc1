using MonitorApp.Data;
using Npgsql;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>A fresh, empty database of either provider, removed again at the end.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseProvider provider, string connectionString, Func<Task> drop)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.drop = drop;
    }

    private readonly Func<Task> drop;

    public DatabaseProvider Provider { get; }
    public string ConnectionString { get; }

    /// <summary>A database the test made itself; nothing to drop.</summary>
    public static TestDatabase Existing(DatabaseProvider provider, string connectionString) => new(provider, connectionString, () => Task.CompletedTask);

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var path = Path.Combine(Path.GetTempPath(), $"monitor-test-{Guid.NewGuid():N}.db");
            return new TestDatabase(provider, $"Data Source={path};Pooling=False", () =>
            {
                foreach (var file in new[] { path, path + "-wal", path + "-shm" })
                    File.Delete(file);
                return Task.CompletedTask;
            });
        }

        var admin = await TestEnvironment.PostgresAdminConnectionStringAsync();
        var name = $"monitor_test_{Guid.NewGuid():N}";
        await ExecuteAsync(admin, $"CREATE DATABASE {name}");
        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new TestDatabase(provider, builder.ConnectionString, async () =>
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        });
    }

    /// <summary>A context of the app's own on this database, outside any app host (for preparing or inspecting it).</summary>
    public static MonitorDbContext Open(TestDatabase database) => DatabaseSetup.CreateContext(database.Provider, database.ConnectionString);

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync() => await drop();
}
