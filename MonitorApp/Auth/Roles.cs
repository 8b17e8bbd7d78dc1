namespace MonitorApp.Auth;

public static class Roles
{
    public const string SuperAdmin = "SUPER_ADMIN";
    public const string SystemMonitor = "SYSTEM_MONITOR";
    public const string ContentManager = "CONTENT_MANAGER";
    /// <summary>Machine clients only: may post to <c>/api/ingest/*</c> and nothing else.</summary>
    public const string Ingest = "INGEST";

    /// <summary>Who may silence alerts (the dashboard's form and the API), signed in.</summary>
    public const string Silencers = SuperAdmin;

    public static readonly IReadOnlyList<string> UserRoles = [SuperAdmin, SystemMonitor, ContentManager];

    /// <summary>
    /// What a machine client may be: a reader or a writer. A token never administers or silences; one stored with
    /// another role (made before this rule) is refused.
    /// </summary>
    public static readonly IReadOnlyList<string> TokenRoles = [SystemMonitor, Ingest];
}

public static class Policies
{
    /// <summary>Reads the dashboard and the metrics API.</summary>
    public const string Monitor = "Monitor";
    /// <summary>Posts platform data to the ingestion API.</summary>
    public const string Ingest = "Ingest";
    /// <summary>Manages users and API tokens.</summary>
    public const string SuperAdmin = "SuperAdmin";
    /// <summary>A signed-in person, whatever their role (their own password and second factor); never a token.</summary>
    public const string Person = "Person";
    /// <summary>Silences alerts: a signed-in SUPER_ADMIN.</summary>
    public const string Silence = "Silence";
}
