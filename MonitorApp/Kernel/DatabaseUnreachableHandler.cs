using Microsoft.AspNetCore.Diagnostics;

namespace MonitorApp.Kernel;

/// <summary>
/// A request that failed because the database cannot be reached gets <c>503</c> with <c>Retry-After</c>, not a 500: for
/// ingestion that says "nothing was stored, send it again", and a client that does ends with exactly what it sent.
/// (Outside Development only: there the developer exception page shows the error instead.)
/// </summary>
public sealed class DatabaseUnreachableHandler(ILogger<DatabaseUnreachableHandler> logger) : IExceptionHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnreachable(exception) || context.Response.HasStarted)
            return false;
        logger.LogWarning(exception, "Database unreachable; answered {Method} {Path} with 503", context.Request.Method, context.Request.Path);
        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ApiProblems.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "Database unreachable",
            "The database cannot be reached right now; nothing from this request was stored. Send it again after the Retry-After seconds.");
        return true;
    }

    /// <summary>The server is down or not accepting connections, the connection broke, or the SQLite file cannot be opened or is busy.</summary>
    public static bool IsUnreachable(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case DatabaseUnreachableException:
                    return true;
                case Npgsql.PostgresException postgres:
                    // 08: connection exceptions; 57P01–57P03: the server is shutting down or not yet accepting.
                    if (postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState is "57P01" or "57P02" or "57P03")
                        return true;
                    break;
                case Npgsql.NpgsqlException npgsql when npgsql.IsTransient:
                    return true;
                case Microsoft.Data.Sqlite.SqliteException sqlite when sqlite.SqliteErrorCode is 5 or 6 or 10 or 14: // BUSY, LOCKED, IOERR, CANTOPEN
                    return true;
            }
        }
        return false;
    }
}

