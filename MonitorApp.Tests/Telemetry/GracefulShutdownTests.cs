using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Telemetry;

/// <summary>The built app as its own process: SIGTERM (what an orchestrator sends) loses no counted request.</summary>
public sealed class GracefulShutdownTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task Sigterm_DuringTraffic_WritesEveryAnsweredRequest_BeforeTheProcessExits()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-shutdown-");
        try
        {
            var database = Path.Combine(folder.FullName, "monitor.db");
            var environment = AppProcess.ProductionSettings(folder.FullName);
            environment["Telemetry__FlushSeconds"] = "10";
            var token = await AppProcess.CreateTokenAsync(environment, null, "shutdown", "SYSTEM_MONITOR");
            await using var server = await AppProcess.StartAsync(environment);
            server.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            // Four clients poll until the server stops answering; SIGTERM arrives in the middle of it.
            var answered = 0;
            var started = new TaskCompletionSource();
            var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    try
                    {
                        await server.Client.GetAsync("/api/admin/metrics/current");
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        return; // the server is gone: this request was never answered
                    }
                    if (Interlocked.Increment(ref answered) == 100)
                        started.TrySetResult();
                }
            })).ToList();
            await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

            // Within the 10-second flush interval: these counts are still only in memory.
            await server.TerminateAsync(within: TimeSpan.FromSeconds(30));
            await Task.WhenAll(clients);
            Assert.True(server.ExitCode == 0, server.Output);

            await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            await connection.OpenAsync();
            await using var sum = new SqliteCommand("SELECT COALESCE(SUM(requests), 0) FROM request_rollups WHERE service = 'monitor-app'", connection);
            var stored = Convert.ToInt32(await sum.ExecuteScalarAsync());
            output.WriteLine($"{answered} requests answered, {stored} counted");
            Assert.Equal(answered, stored);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
