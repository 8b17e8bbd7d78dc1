using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// MonitorApp as its own operating-system process on a real Kestrel port — what an orchestrator runs —
/// for what an in-process host cannot show: SIGTERM, <c>kill -9</c>, several processes on one database.
/// By default the app built beside this test assembly (bin/Debug or bin/Release); the benchmarks pass a published one.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();

    private AppProcess(Process process, string baseUrl)
    {
        this.process = process;
        BaseUrl = baseUrl;
        Client = new HttpClient { BaseAddress = new Uri(baseUrl) };
    }

    public string BaseUrl { get; }
    public HttpClient Client { get; }
    public int Id => process.Id;
    public bool HasExited => process.HasExited;
    public int ExitCode => process.ExitCode;

    /// <summary>Everything the process wrote so far (stdout and stderr), for a failure message.</summary>
    public string Output => string.Join('\n', output);

    /// <summary>Starts the web server with these settings (environment variables, <c>Section__Key</c>) and waits until <c>/readyz</c> answers.</summary>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string? dll = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = StartInfo(new Dictionary<string, string>(environment) { ["ASPNETCORE_URLS"] = baseUrl }, dll, []);
        var app = new AppProcess(Process.Start(start)!, baseUrl);
        app.process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        app.process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (!await app.ReadyAsync())
        {
            if (app.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                var why = app.HasExited ? $"exited with {app.ExitCode}" : "was not ready within 60 s";
                await app.DisposeAsync();
                throw new InvalidOperationException($"MonitorApp {why}:\n{app.Output}");
            }
            await Task.Delay(200);
        }
        return app;
    }

    /// <summary>Runs one command-line command (<c>db migrate</c>, <c>tokens create …</c>) to its end (killed, and a TimeoutException, after 2 minutes).</summary>
    public static Task<(int Code, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, string? dll, params string[] args) =>
        RunWithInputAsync(environment, dll, stdin: null, args);

    /// <summary>As above, with <paramref name="stdin"/> typed in (a password) before the input closes.</summary>
    public static async Task<(int Code, string Stdout, string Stderr)> RunWithInputAsync(IReadOnlyDictionary<string, string> environment, string? dll, string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(environment, dll, args))!;
        if (stdin is not null)
            await process.StandardInput.WriteLineAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{string.Join(' ', args)}` did not end within 2 minutes");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Settings for a process on a SQLite file in <paramref name="folder"/>, as a deployment runs it (see the overload).</summary>
    public static Dictionary<string, string> ProductionSettings(string folder) =>
        ProductionSettings(MonitorApp.Data.DatabaseProvider.Sqlite, $"Data Source={Path.Combine(folder, "monitor.db")}");

    /// <summary>Settings for a process on its own database, as a deployment runs it: Production, the providers not probed (no internet here).</summary>
    public static Dictionary<string, string> ProductionSettings(MonitorApp.Data.DatabaseProvider provider, string connectionString) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Database__Provider"] = provider.ToString(),
        ["ConnectionStrings__Monitor"] = connectionString,
        ["ExternalServices__Services__daily_co__Enabled"] = "false",
        ["ExternalServices__Services__livekit__Enabled"] = "false",
        ["ExternalServices__Services__beyond_presence__Enabled"] = "false",
    };

    /// <summary>
    /// Adds a user through the command line with a password of their own (typed on stdin, as an operator scripting it would),
    /// and returns it. (A generated password would have to be changed at the first sign-in.)
    /// </summary>
    public static async Task<string> AddUserAsync(IReadOnlyDictionary<string, string> environment, string? dll, string email, string role)
    {
        var password = $"Operator-{Guid.NewGuid():N}";
        var (code, _, stderr) = await RunWithInputAsync(environment, dll, password, "users", "add", "--email", email, "--role", role);
        if (code != 0)
            throw new InvalidOperationException($"users add failed ({code}): {stderr}");
        return password;
    }

    /// <summary>The password a command printed once (<c>password (shown once): …</c>).</summary>
    public static string GeneratedPassword(string stdout)
    {
        const string Label = "password (shown once): ";
        return stdout.Split('\n').Single(l => l.StartsWith(Label, StringComparison.Ordinal))[Label.Length..].Trim();
    }

    /// <summary>Creates an API token through the command line and returns its secret.</summary>
    public static async Task<string> CreateTokenAsync(IReadOnlyDictionary<string, string> environment, string? dll, string name, string role)
    {
        var (code, stdout, stderr) = await RunAsync(environment, dll, "tokens", "create", "--name", name, "--role", role);
        if (code != 0)
            throw new InvalidOperationException($"tokens create failed ({code}): {stderr}");
        return stdout.Trim().Split('\n')[^1].Trim(); // the secret alone on the last line
    }

    public async Task<bool> ReadyAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            return (await Client.GetAsync("/readyz", timeout.Token)).IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Resident memory of the process now, in bytes (Linux).</summary>
    public long ResidentBytes() => ProcStatus("VmRSS:");

    /// <summary>The most resident memory the process has had, in bytes (Linux).</summary>
    public long PeakResidentBytes() => ProcStatus("VmHWM:");

    /// <summary>Resident memory by kind (Linux): the process's own (anonymous), mapped files (shared, reclaimable), shared memory.</summary>
    public (long Anonymous, long Files, long Shared) ResidentByKind() => (ProcStatus("RssAnon:"), ProcStatus("RssFile:"), ProcStatus("RssShmem:"));

    private long ProcStatus(string field)
    {
        var line = File.ReadLines($"/proc/{process.Id}/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }

    /// <summary>Sends SIGTERM, as an orchestrator does, and waits for the process to end by itself.</summary>
    public async Task TerminateAsync(TimeSpan within)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            await kill.WaitForExitAsync();
        await process.WaitForExitAsync().WaitAsync(within);
    }

    /// <summary>Ends the process at once (<c>kill -9</c>): nothing runs, nothing is flushed, connections just drop.</summary>
    public async Task KillAsync()
    {
        process.Kill();
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
            await KillAsync();
        Client.Dispose();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        output.Enqueue(line);
        while (output.Count > 2000)
            output.TryDequeue(out _);
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> environment, string? dll, string[] args)
    {
        dll ??= BuiltApp();
        var start = new ProcessStartInfo("dotnet", [dll, .. args])
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        return start;
    }

    /// <summary>MonitorApp.dll as built beside this test assembly's configuration (bin/Debug or bin/Release).</summary>
    private static string BuiltApp()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        return Path.Combine(Repository.Root, "MonitorApp", "bin", testBin.Parent!.Name, testBin.Name, "MonitorApp.dll");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
