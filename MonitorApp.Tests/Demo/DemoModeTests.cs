using MonitorApp.Quality;
using MonitorApp.Sessions;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Demo;

public sealed class DemoModeTests
{
    [SkippableFact]
    public async Task DemoMode_CreatesBothDemoAccounts_AndFeedsSessionsThroughIngestion()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?>
        {
            ["Demo:Enabled"] = "true",
            ["Demo:TickSeconds"] = "1",
        }, environment: "Development");
        _ = app.Server;

        var accounts = await app.WithDbAsync(db => (
            from u in db.Users
            join ur in db.UserRoles on u.Id equals ur.UserId
            join r in db.Roles on ur.RoleId equals r.Id
            orderby u.Email
            select u.Email + " " + r.Name).ToListAsync());
        Assert.Equal(["admin@demo.local SUPER_ADMIN", "monitor@demo.local SYSTEM_MONITOR"], accounts);

        await Eventually.HoldsAsync(() => app.WithDbAsync(db => db.Sessions.CountAsync(s => s.SessionId.StartsWith("demo-") && s.Quality != null)),
            sessions => sessions > 0, TimeSpan.FromSeconds(15), "the simulator stored sessions with a quality", TimeSpan.FromMilliseconds(200));
        // Their quality is measured: stats windows both ways, counted in their provider's bins.
        var directions = await app.WithDbAsync(db => db.SessionStats.Where(s => s.SessionId.StartsWith("demo-")).Select(s => s.Direction).Distinct().OrderBy(d => d).ToListAsync());
        Assert.Equal(["receive", "send"], directions);
        Assert.True(await app.WithDbAsync(db => db.QualityBins.AnyAsync()));
        var categories = await app.WithDbAsync(db => db.CounselorCategories.Select(c => c.Name).ToListAsync());
        Assert.NotEmpty(categories);
    }

    [SkippableTheory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task DemoMode_OutsideDevelopment_StopsTheStartWithAMessageNamingTheSetting(string environment)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database, new Dictionary<string, string?> { ["Demo:Enabled"] = "true" }, environment: environment);
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Demo:Enabled is true outside Development", refused.ToString());
    }
}
