namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// What the machine offers the tests. PostgreSQL is the server MONITOR_TEST_POSTGRES names or, without
/// it, a throwaway cluster this test run starts from the installed server binaries and removes at the
/// end. Without PostgreSQL or Chromium the tests that need them skip with the reason, unless
/// MONITOR_TEST_REQUIRE_ALL=1 (CI sets it): then they fail.
/// </summary>
public static class TestEnvironment
{
    private static readonly Lazy<Task<string?>> PostgresAdmin = new(FindOrStartPostgresAsync);
    private static string? postgresUnavailable;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("MONITOR_E2E_CHROMIUM") is { Length: > 0 } s ? s : "/usr/bin/chromium";

    public static bool RequireAll => Environment.GetEnvironmentVariable("MONITOR_TEST_REQUIRE_ALL") == "1";

    /// <summary>An admin connection string; each test fixture creates (and drops) its own database with it. Skips (or fails) without one.</summary>
    public static async Task<string> PostgresAdminConnectionStringAsync()
    {
        var admin = await PostgresAdmin.Value;
        Require(admin is not null, postgresUnavailable ?? "PostgreSQL is not available");
        return admin!;
    }

    private static async Task<string?> FindOrStartPostgresAsync()
    {
        if (Environment.GetEnvironmentVariable("MONITOR_TEST_POSTGRES") is { Length: > 0 } configured)
            return configured;
        postgresUnavailable = PostgresCluster.Unavailable();
        if (postgresUnavailable is not null)
            return null;
        try
        {
            var cluster = await PostgresCluster.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DestroyInBackground();
            return cluster.ConnectionString;
        }
        catch (InvalidOperationException ex)
        {
            // Installed but not startable here (a full disk, a locked-down /tmp…): say why, as for a missing server.
            postgresUnavailable = $"PostgreSQL's server binaries are installed but a throwaway cluster did not start: {ex.Message}";
            return null;
        }
    }

    /// <summary>The full path of <paramref name="tool"/> on PATH, or null.</summary>
    public static string? OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    /// <summary>Skips the current test with <paramref name="reason"/>, or fails it when everything is required.</summary>
    public static void Require(bool available, string reason)
    {
        if (available)
            return;
        if (RequireAll)
            throw new InvalidOperationException($"MONITOR_TEST_REQUIRE_ALL=1 but {reason}");
        throw new SkipException(reason);
    }
}
