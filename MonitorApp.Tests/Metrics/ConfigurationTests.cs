using System.Net;
using System.Text.Json;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Metrics;

public sealed class ConfigurationTests
{
    [SkippableTheory]
    [InlineData("Health:ErrorRateDegraded", "0.1", "Health:ErrorRateDegraded (0.1) must be below Health:ErrorRateCritical")]
    [InlineData("Health:P95CriticalMs", "100", "Health:P95DegradedMs (500) must be below Health:P95CriticalMs (100)")]
    [InlineData("Metrics:SnapshotSeconds", "0", "Metrics:SnapshotSeconds must be between 1 and 300")]
    [InlineData("Telemetry:FlushSeconds", "60", "Telemetry:FlushSeconds must be between 1 and 10")]
    [InlineData("Database:Provider", "Postgres", "ConnectionStrings:Monitor is required")]
    [InlineData("ExternalServices:Services:livekit:Url", "status.livekit.io", "ExternalServices:Services:livekit:Url must be an absolute http or https URL (got 'status.livekit.io')")]
    [InlineData("ExternalServices:Services:livekit:Kind", "rss", "ExternalServices:Services:livekit:Kind must be 'statuspage' or 'http' (got 'rss')")]
    [InlineData("ExternalServices:TimeoutSeconds", "0", "ExternalServices:TimeoutSeconds must be above 0")]
    [InlineData("ExternalServices:TimeoutSeconds", "-1", "ExternalServices:TimeoutSeconds must be above 0")]
    [InlineData("ExternalServices:FailuresBeforeDown", "0", "ExternalServices:FailuresBeforeDown must be between 1 and 100")]
    [InlineData("ExternalServices:Services:Bad-Name:Kind", "http", "ExternalServices:Services:Bad-Name: a service name must be")]
    public async Task BadConfiguration_StopsStartup_NamingTheKey(string key, string value, string message)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key == "Database:Provider")
            settings["ConnectionStrings:Monitor"] = "";
        if (key.StartsWith("ExternalServices:Services:livekit:"))
            settings["ExternalServices:Services:livekit:Enabled"] = "true"; // the test factory switches the real providers off
        await using var app = new MonitorAppFactory(database, settings);
        var error = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains(message, error.ToString());
    }
}
