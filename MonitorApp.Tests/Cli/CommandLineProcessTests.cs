using System.Diagnostics;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Cli;

/// <summary>The app's command line as an operator's shell meets it: the real process and its exit code.</summary>
public sealed class CommandLineProcessTests
{
    [SkippableTheory]
    [InlineData("audit", "lst")]
    [InlineData("user", "list")]
    [InlineData("tokens", "lst")]
    public async Task AMistypedCommand_ExitsNonZeroWithTheUsage_InsteadOfStartingTheWebServer(params string[] command)
    {
        var folder = Directory.CreateTempSubdirectory("monitor-cli-");
        try
        {
            var environment = new Dictionary<string, string>
            {
                ["Database__Provider"] = "Sqlite",
                ["ConnectionStrings__Monitor"] = $"Data Source={Path.Combine(folder.FullName, "monitor.db")}",
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{AppProcess.FreePort()}",
            };
            var watch = Stopwatch.StartNew();
            var (code, stdout, stderr) = await AppProcess.RunAsync(environment, null, command); // a web server would never end
            Assert.True(code != 0, $"exit code 0 for `{string.Join(' ', command)}`:\n{stdout}\n{stderr}");
            Assert.Contains("error:", stderr);
            Assert.DoesNotContain("Now listening on", stdout + stderr);
            if (!global::MonitorApp.Cli.MonitorCli.Commands.Contains(command[0]))
                Assert.Contains("users", stderr); // the usage lists the commands there are
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [SkippableFact]
    public async Task TheDockerImagesHealthCheck_IsTheAppItself_HealthyWhileItAnswers_UnhealthyWhenItIsGone()
    {
        var dockerfile = await File.ReadAllTextAsync(Path.Combine(Repository.Root, "Dockerfile"));
        var runtime = dockerfile[dockerfile.IndexOf(" AS runtime", StringComparison.Ordinal)..];
        Assert.DoesNotContain("apt-get", runtime); // nothing added to the runtime image (curl was)
        var check = System.Text.RegularExpressions.Regex.Match(runtime, @"HEALTHCHECK[^\n]*\\\s*\n\s*CMD (\[.*\])");
        Assert.True(check.Success, "the runtime stage has a HEALTHCHECK … CMD [\"…\"] in exec form");
        var command = System.Text.Json.JsonSerializer.Deserialize<string[]>(check.Groups[1].Value)!;
        Assert.Equal(["dotnet", "MonitorApp.dll"], command[..2]);

        var folder = Directory.CreateTempSubdirectory("monitor-health-");
        try
        {
            await using var app = await AppProcess.StartAsync(AppProcess.ProductionSettings(folder.FullName));
            // The image's environment names the port (ASPNETCORE_HTTP_PORTS=8080); here, the one the app listens on.
            var image = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = new Uri(app.BaseUrl).Port.ToString() };
            var healthy = await AppProcess.RunAsync(image, null, command[2..]);
            Assert.True(healthy.Code == 0, healthy.Stderr);

            await app.TerminateAsync(TimeSpan.FromSeconds(30));
            var gone = await AppProcess.RunAsync(image, null, command[2..]);
            Assert.Equal(1, gone.Code);
            Assert.Contains("unhealthy", gone.Stderr);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
