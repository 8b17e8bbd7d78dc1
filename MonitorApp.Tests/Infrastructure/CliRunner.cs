using MonitorApp.Cli;

namespace MonitorApp.Tests.Infrastructure;

public sealed record CliResult(int Code, string Stdout, string Stderr);

/// <summary>Runs the real command line against the app's own services and database.</summary>
public static class CliRunner
{
    public static Task<CliResult> RunAsync(MonitorAppFactory app, params string[] args) => RunWithInputAsync(app, "", args);

    public static async Task<CliResult> RunWithInputAsync(MonitorAppFactory app, string stdin, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await MonitorCli.RunAsync(app.Services, args, new StringReader(stdin), stdout, stderr);
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }
}
