using System.Diagnostics;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Cli;

/// <summary>The app's command line as an operator's shell meets it: the real process and its exit code.</summary>
public sealed class CommandLineProcessTests
{
    [Theory]
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
            if (command[0] != "tokens")
                Assert.Contains("users", stderr); // the usage lists the commands there are
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"took {watch.Elapsed}");
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
