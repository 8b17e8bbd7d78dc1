using MonitorApp.Sessions;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Telemetry;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Data;

public abstract class MigrationTests(AppFixture fixture)
{
    [SkippableFact]
    public async Task Migrations_OnEmptyDatabase_ApplyAndLeaveNoPendingModelChanges()
    {
        var app = fixture.App;
        await app.WithDbAsync(async db =>
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges(), "the model changed without a migration for " + fixture.Provider);
            Assert.Equal(fixture.Provider == DatabaseProvider.Sqlite ? "Microsoft.EntityFrameworkCore.Sqlite" : "Npgsql.EntityFrameworkCore.PostgreSQL",
                db.Database.ProviderName);
        });
    }

    [SkippableFact]
    public async Task ADatabaseFromBeforeTheSquash_StopsTheStart_SayingWhatToDo_AndIsLeftAsItWas()
    {
        await using var database = await TestDatabase.CreateAsync(fixture.Provider);
        // What a build from before the squash left: its history names migrations this build does not have.
        await using (var db = TestDatabase.Open(database))
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE \"__EFMigrationsHistory\" (migration_id varchar(150) PRIMARY KEY, product_version varchar(32) NOT NULL)");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" VALUES ('20261126163534_Initial', '10.0.0'), ('20261128003538_SessionStatsAtIndex', '10.0.0')");
        }
        await using var app = new MonitorAppFactory(database);

        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        var message = error is AggregateException { InnerExceptions: [var inner] } ? inner.Message : error.Message;
        Assert.Contains("created by an earlier build", message);
        Assert.Contains("20261128003538_SessionStatsAtIndex", message);
        Assert.Contains(fixture.Provider == DatabaseProvider.Sqlite ? "Delete the SQLite file" : "re-create the PostgreSQL database", message);
        await using (var db = TestDatabase.Open(database))
        {
            Assert.Equal(2, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"__EFMigrationsHistory\"").SingleAsync());
            Assert.Empty(db.Database.GetAppliedMigrations().Intersect(db.Database.GetMigrations()));
        }
    }

    [SkippableFact]
    public async Task Schema_UsesSnakeCaseNames_AndHasNoColumnForPersonalData()
    {
        var app = fixture.App;
        var columns = await app.WithDbAsync(db => db.Database.SqlQueryRaw<string>(
            fixture.Provider == DatabaseProvider.Sqlite
                ? "SELECT name AS \"Value\" FROM pragma_table_info('sessions')"
                : "SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = 'sessions'").ToListAsync());

        Assert.Equal(
            ["category_id", "ended_at", "last_seen_at", "provider", "quality", "quality_at", "session_id", "started_at"],
            columns.Order().ToArray());

        var categories = await app.WithDbAsync(db => db.CounselorCategories.CountAsync());
        Assert.Equal(0, categories);
    }

    [SkippableTheory]
    [InlineData("request_rollups")]
    [InlineData("request_rollups_hourly")]
    public async Task RequestRollups_HaveExactlyOneColumnPerLatencyBucketOfTheList(string table)
    {
        var columns = await fixture.App.WithDbAsync(db => db.Database.SqlQueryRaw<string>(
            fixture.Provider == DatabaseProvider.Sqlite
                ? $"SELECT name AS \"Value\" FROM pragma_table_info('{table}')"
                : $"SELECT column_name AS \"Value\" FROM information_schema.columns WHERE table_name = '{table}'").ToListAsync());

        // The migrations are a copy of the bucket list: they must hold exactly its columns.
        var bucketColumns = columns.Where(c => c.StartsWith("le")).OrderBy(ColumnBound).ToList();
        Assert.Equal(LatencyBucket.All.Select(b => b.Column), bucketColumns);
        Assert.Equal(LatencyHistogram.UpperBoundsMs, LatencyBucket.All.Select(b => b.UpperBoundMs));
    }

    private static double ColumnBound(string column) => column == "le_inf" ? double.PositiveInfinity : double.Parse(column[2..]);

    [SkippableFact]
    public async Task StartupOutsideDevelopment_CreatesNoAccounts() // demo mode is on only in Development (appsettings.Development.json)
    {
        Assert.Equal(0, await fixture.App.WithDbAsync(db => db.Users.CountAsync()));
    }

    [SkippableFact]
    public async Task Startup_SeedsTheThreeUserRoles()
    {
        var roles = await fixture.App.WithDbAsync(db => db.Roles.Select(r => r.Name!).OrderBy(n => n).ToListAsync());
        Assert.Equal(["CONTENT_MANAGER", "SUPER_ADMIN", "SYSTEM_MONITOR"], roles);
    }
}

public sealed class SqliteMigrationTests(SqliteAppFixture fixture) : MigrationTests(fixture), IClassFixture<SqliteAppFixture>;

public sealed class PostgresMigrationTests(PostgresAppFixture fixture) : MigrationTests(fixture), IClassFixture<PostgresAppFixture>;
