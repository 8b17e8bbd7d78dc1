using MonitorApp.Data;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>The database connection pool as last measured (SQLite has no server pool: only what it has is shown).</summary>
public sealed record DbPoolCard(DbPoolReading Pool)
{
    public bool IsSqlite => Pool.Provider == DbPoolReading.Sqlite;

    /// <summary>Whether a figure has a row: a known one always; an unknown one except on SQLite, where one line says why.</summary>
    public bool Shows(object? value) => value is not null || !IsSqlite;

    public static DbPoolCard From(DashboardView view) => new(view.Snapshot.DbPool);
}
