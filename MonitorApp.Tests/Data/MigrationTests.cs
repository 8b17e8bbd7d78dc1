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
