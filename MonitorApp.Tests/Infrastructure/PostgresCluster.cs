using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in a temporary folder, on a free loopback port, started with the
/// server binaries installed on this machine (as root, through <c>runuser -u postgres</c>, since
/// PostgreSQL refuses to run as root). Used for the whole test run when MONITOR_TEST_POSTGRES is not
/// set, and by tests that stop and restart a server of their own.
/// </summary>
public sealed class PostgresCluster
{
    private const string FolderPrefix = "monitor-test-pg-";
    private static readonly bool IsRoot = Environment.IsPrivilegedProcess;

    private readonly string bin;
    private readonly int port;

    private PostgresCluster(string bin, string directory, int port)
    {
        this.bin = bin;
        Folder = directory;
        this.port = port;
    }

    public string Folder { get; }

    /// <summary>The superuser's connection string (trust authentication, loopback only).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";

    /// <summary>The folder holding initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/*/bin.</summary>
    public static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Where(HasServerBinaries);
        IEnumerable<string> debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(HasServerBinaries)
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            : [];
        return onPath.Concat(debian).FirstOrDefault();
    }

    /// <summary>Why a cluster cannot be started here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (FindBinaries() is null)
            return "PostgreSQL's server binaries (initdb, pg_ctl) were found neither on PATH nor under /usr/lib/postgresql/*/bin: install PostgreSQL or set MONITOR_TEST_POSTGRES.";
        if (IsRoot && TestEnvironment.OnPath("runuser") is null)
            return "running as root without runuser, so PostgreSQL (which refuses to run as root) cannot be started: set MONITOR_TEST_POSTGRES.";
        if (IsRoot && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
            return "running as root and there is no 'postgres' user to run PostgreSQL as (it refuses to run as root): set MONITOR_TEST_POSTGRES.";
        return null;
    }

    private static bool HasServerBinaries(string directory) =>
        File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

    public static async Task<PostgresCluster> StartAsync()
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(Unavailable());
        RemoveAbandoned();
        var directory = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        // Whoever finds this folder after this process died may stop its server and delete it.
        await File.WriteAllTextAsync(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString());
        if (IsRoot)
            await RunAsync("chown", ["postgres", directory]);
        var cluster = new PostgresCluster(bin, directory, FreePort());
        try
        {
            await cluster.RunAsPostgresAsync("initdb", ["-D", cluster.DataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
            await cluster.ResumeAsync();
            return cluster;
        }
        catch
        {
            await cluster.DestroyAsync();
            throw;
        }
    }

    private string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>Starts the server (again) on its port and waits until it accepts connections.</summary>
    public Task ResumeAsync() => RunAsPostgresAsync("pg_ctl",
    [
        "-D", DataDirectory, "-l", Path.Combine(Folder, "server.log"), "-w", "-t", "60", "-o",
        $"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories='{Folder}' -c max_connections=300 -c fsync=off -c synchronous_commit=off",
        "start",
    ]);

    /// <summary>Stops the server, ending its connections at once.</summary>
    public Task StopAsync() => RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"]);

    /// <summary>Stops the server (if it runs) and deletes the folder.</summary>
    public async Task DestroyAsync()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await RunAsPostgresAsync("pg_ctl", ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], mayFail: true);
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }

    /// <summary>
    /// Stops the server and deletes the folder from a process of its own, for the moment this process
    /// exits: the test host may be ended before a stop it waited for had finished.
    /// </summary>
    public void DestroyInBackground()
    {
        // Paths go to the shell as arguments ($1, $2), never pasted into the script.
        var stop = IsRoot ? "runuser -u postgres -- \"$1\" -D \"$2/data\" -m immediate -w stop" : "\"$1\" -D \"$2/data\" -m immediate -w stop";
        Process.Start(new ProcessStartInfo("bash", ["-c", $"{stop} >/dev/null 2>&1; rm -rf \"$2\"", "cleanup", Path.Combine(bin, "pg_ctl"), Folder]))?.Dispose();
    }

    /// <summary>Clusters left behind by test runs that were killed before they could stop them.</summary>
    private static void RemoveAbandoned()
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            try
            {
                var pidFile = Path.Combine(directory, "owner.pid");
                if (!File.Exists(pidFile) || IsAlive(int.Parse(File.ReadAllText(pidFile))))
                    continue;
                var bin = FindBinaries()!;
                var abandoned = new PostgresCluster(bin, directory, 0);
                abandoned.DestroyAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
            {
                // Another run's folder being removed at the same moment, or not ours to remove: leave it.
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Task RunAsPostgresAsync(string tool, string[] args, bool mayFail = false)
    {
        var path = Path.Combine(bin, tool);
        return IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", path, .. args], mayFail) : RunAsync(path, args, mayFail);
    }

    private static async Task RunAsync(string file, string[] args, bool mayFail = false)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && !mayFail)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}{await stdout}");
    }
}
