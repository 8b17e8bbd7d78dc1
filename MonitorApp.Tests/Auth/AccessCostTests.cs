using System.Net;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>
/// Steady API traffic costs the database nothing per request: a token verified in the last ten seconds
/// is trusted without a lookup (a revocation on this instance still counts at once: AccessMatrixTests).
/// </summary>
public abstract class AccessCostTests(DatabaseProvider provider)
{
    [SkippableFact]
    public async Task ApiCalls_VerifyTheirTokenAtMostOnceEveryTenSeconds()
    {
        // A long snapshot interval, so that moving the clock below runs no snapshot inside the count.
        await using var app = await IsolatedApp.StartAsync(provider);
        Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode); // verifies the token

        using var counter = CommandCounter.For(app.Database.ConnectionString);
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode);
        Assert.Equal(0, counter.Count);

        app.Time.Advance(TimeSpan.FromSeconds(11));
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await app.Monitor.GetAsync("/api/admin/metrics/current")).StatusCode);
        Assert.Equal(1, counter.Count); // one lookup: is the token still valid? (last use is written once a minute)
    }
}

public sealed class SqliteAccessCostTests() : AccessCostTests(DatabaseProvider.Sqlite);

public sealed class PostgresAccessCostTests() : AccessCostTests(DatabaseProvider.Postgres);
