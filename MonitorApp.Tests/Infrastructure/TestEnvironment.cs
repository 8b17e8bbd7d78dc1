namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// What the machine offers the tests. Without PostgreSQL or Chromium the tests that need them skip with
/// the reason, unless MONITOR_TEST_REQUIRE_ALL=1 (CI sets it): then they fail.
/// </summary>
public static class TestEnvironment
{
    /// <summary>An admin connection string; each test fixture creates (and drops) its own database with it.</summary>
    public static string? PostgresAdminConnectionString => Environment.GetEnvironmentVariable("MONITOR_TEST_POSTGRES") is { Length: > 0 } s ? s : null;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("MONITOR_E2E_CHROMIUM") is { Length: > 0 } s ? s : "/usr/bin/chromium";

    public static bool RequireAll => Environment.GetEnvironmentVariable("MONITOR_TEST_REQUIRE_ALL") == "1";

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
