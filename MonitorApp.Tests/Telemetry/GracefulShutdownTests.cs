using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace MonitorApp.Tests.Telemetry;

/// <summary>The built app as its own process: SIGTERM (what an orchestrator sends) loses no counted request.</summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Sigterm_WritesEveryRequestCountedInMemory_BeforeTheProcessExits()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-shutdown-");
        try
        {
            var database = Path.Combine(folder.FullName, "monitor.db");
            var port = FreePort();
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}",
                ["Database__Provider"] = "Sqlite",
                ["ConnectionStrings__Monitor"] = $"Data Source={database}",
                ["Telemetry__FlushSeconds"] = "10",
                ["ExternalServices__Services__daily_co__Enabled"] = "false",
                ["ExternalServices__Services__livekit__Enabled"] = "false",
                ["ExternalServices__Services__beyond_presence__Enabled"] = "false",
            };
            var (code, stdout, stderr) = await RunToEndAsync(environment, "tokens", "create", "--name", "shutdown", "--role", "SYSTEM_MONITOR");
            Assert.True(code == 0, stderr);
            var token = stdout.Trim().Split('\n')[^1].Trim(); // the secret alone on the last line

            using var server = Start(environment);
            var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = Stopwatch.StartNew();
            while (!await ReadyAsync(client))
            {
                Assert.False(server.HasExited, "the app exited at start");
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), "the app did not become ready within 60 s");
                await Task.Delay(200);
            }

            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            const int requests = 40;
            for (var i = 0; i < requests; i++)
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/admin/metrics/current")).StatusCode);

            // Within the 10-second flush interval: these counts are still only in memory.
            using (var kill = Process.Start("kill", ["-TERM", server.Id.ToString()]))
                await kill.WaitForExitAsync();
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, server.ExitCode);

            await using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
            await connection.OpenAsync();
            await using var sum = new SqliteCommand("SELECT COALESCE(SUM(requests), 0) FROM request_rollups WHERE service = 'monitor-app'", connection);
            Assert.Equal(requests, Convert.ToInt32(await sum.ExecuteScalarAsync()));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient client)
    {
        try
        {
            return (await client.GetAsync("/readyz")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>MonitorApp.dll as built beside this test assembly's configuration (bin/Debug or bin/Release).</summary>
    private static ProcessStartInfo AppProcess(Dictionary<string, string> environment, params string[] args)
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory); // …/MonitorApp.Tests/bin/<Configuration>/<tfm>/
        var root = testBin.Parent!.Parent!.Parent!.Parent!.FullName;
        var appDirectory = Path.Combine(root, "MonitorApp");
        var dll = Path.Combine(appDirectory, "bin", testBin.Parent!.Name, testBin.Name, "MonitorApp.dll");
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return start;
    }

    private static Process Start(Dictionary<string, string> environment)
    {
        var process = Process.Start(AppProcess(environment))!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunToEndAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var process = Process.Start(AppProcess(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
