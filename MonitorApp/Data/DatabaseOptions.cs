using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Section <c>Database</c>; the connection string comes from <c>ConnectionStrings:Monitor</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string ConnectionStringName = "Monitor";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Apply pending migrations when the app (or a CLI command) starts. Unset means "yes" for SQLite,
    /// the zero set-up default, and "no" for PostgreSQL, where `db migrate` is the deliberate step.
    /// </summary>
    public bool? MigrateOnStartup { get; set; }

    /// <summary>Filled from <c>ConnectionStrings:Monitor</c>, or the SQLite default file.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "ConnectionStrings:Monitor is required when Database:Provider is Postgres.")]
    public string ConnectionString { get; set; } = "";

    public bool ShouldMigrateOnStartup => MigrateOnStartup ?? Provider == DatabaseProvider.Sqlite;
}
