using MonitorApp.Data;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// One running app per test class and provider. When PostgreSQL is absent (and not required) the
/// fixture still constructs, and each test that touches <see cref="App"/> is skipped with the reason.
/// </summary>
public abstract class AppFixture(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase? database;
    private MonitorAppFactory? app;
    private string? skipReason;

    public DatabaseProvider Provider => provider;

    public MonitorAppFactory App => app ?? throw new SkipException(skipReason ?? "the app did not start");

    protected virtual IReadOnlyDictionary<string, string?>? Settings => null;

    public async Task InitializeAsync()
    {
        try
        {
            database = await TestDatabase.CreateAsync(provider);
        }
        catch (SkipException ex)
        {
            skipReason = ex.Message;
            return;
        }
        app = new MonitorAppFactory(database, Settings);
        _ = app.Server; // start now, so a broken start-up fails here with its own message
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
            await app.DisposeAsync();
        if (database is not null)
            await database.DisposeAsync();
    }
}

public sealed class SqliteAppFixture() : AppFixture(DatabaseProvider.Sqlite);

public sealed class PostgresAppFixture() : AppFixture(DatabaseProvider.Postgres);
