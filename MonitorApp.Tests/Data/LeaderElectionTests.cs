using MonitorApp.ExternalServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Data;

/// <summary>Work that must happen once runs on one instance; when that instance goes, another takes over.</summary>
public sealed class LeaderElectionTests
{
    [SkippableFact]
    public async Task OnPostgres_ExactlyOneOfTwoInstancesIsElected_OnlyItProbes_AndTheOtherTakesOverWhenItStops()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        await using var providers = await ProviderServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["ExternalServices:Services:daily_co:Enabled"] = "true",
            ["ExternalServices:Services:daily_co:Url"] = providers.Url("/statuspage/none"),
        };
        var a = new MonitorAppFactory(database, settings);
        _ = a.Server;
        var b = new MonitorAppFactory(database, settings);
        _ = b.Server;
        var stopped = new List<MonitorAppFactory>();
        try
        {
            var electedA = await a.Services.GetRequiredService<LeaderElection>().IsElectedAsync(CancellationToken.None);
            var electedB = await b.Services.GetRequiredService<LeaderElection>().IsElectedAsync(CancellationToken.None);
            Assert.True(electedA ^ electedB, $"elected: a={electedA}, b={electedB}");

            // Both ran their start-up round; only the elected one probed and stored a check.
            await a.Services.GetRequiredService<MonitorApp.ExternalServices.ExternalServiceProber>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
            await b.Services.GetRequiredService<MonitorApp.ExternalServices.ExternalServiceProber>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(1, await a.WithDbAsync(db => db.ServiceChecks.CountAsync()));

            var (leader, standby) = electedA ? (a, b) : (b, a);
            await leader.DisposeAsync(); // its connection, and with it the advisory lock, goes away
            stopped.Add(leader);

            var election = standby.Services.GetRequiredService<LeaderElection>();
            await Eventually.HoldsAsync(() => election.IsElectedAsync(CancellationToken.None), LeaderElection.RetryEvery + TimeSpan.FromSeconds(10), "the standby took over");
        }
        finally
        {
            foreach (var app in new[] { a, b }.Except(stopped))
                await app.DisposeAsync();
        }
    }

    [SkippableFact]
    public async Task OnSqlite_TheOnlyInstanceIsElected()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database);
        _ = app.Server;
        Assert.True(await app.Services.GetRequiredService<LeaderElection>().IsElectedAsync(CancellationToken.None));
    }
}
