using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Audit;

public sealed record AuditRow(long Id, DateTime At, string Action, string? Actor, string? Target, string? Address, string Outcome, string? Detail);

public sealed record AuditPage(IReadOnlyList<AuditRow> Events, int Page, int PageSize, bool HasMore);

/// <summary>Writes and reads the audit trail. Used by sign-in, the admin pages and API, and the CLI alike.</summary>
public sealed class AuditLog(MonitorDbContext db, IHttpContextAccessor http, TimeProvider time)
{
    public const int MaxText = 256;
    public const int PageSize = 50;

    /// <summary>
    /// Records one event, in the caller's transaction if it has one. The actor is the signed-in caller (or <c>cli</c>
    /// outside a request) unless given; the address is the client's (after a known proxy's <c>X-Forwarded-For</c>).
    /// </summary>
    public async Task RecordAsync(string action, string outcome, string? target = null, string? detail = null, string? actor = null,
        CancellationToken cancellationToken = default)
    {
        var context = http.HttpContext;
        db.Add(new AuditEvent
        {
            At = time.GetUtcNow().UtcDateTime,
            Action = action,
            Actor = Clip(actor ?? ActorOf(context)),
            Target = Clip(target),
            Address = context?.Connection.RemoteIpAddress?.ToString(),
            Outcome = outcome,
            Detail = Clip(detail),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Newest first; <paramref name="user"/> matches the actor or the target exactly (an e-mail, or token:&lt;name&gt;).</summary>
    public async Task<AuditPage> ReadAsync(string? action, string? user, DateTime? since, int page, CancellationToken cancellationToken)
    {
        var query = db.AuditEvents.AsNoTracking();
        if (!string.IsNullOrEmpty(action))
            query = query.Where(e => e.Action == action);
        if (!string.IsNullOrEmpty(user))
            query = query.Where(e => e.Actor == user || e.Target == user);
        if (since is { } from)
            query = query.Where(e => e.At >= from);
        var rows = await query
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id)
            .Skip((page - 1) * PageSize).Take(PageSize + 1)
            .Select(e => new AuditRow(e.Id, e.At, e.Action, e.Actor, e.Target, e.Address, e.Outcome, e.Detail))
            .ToListAsync(cancellationToken);
        return new AuditPage(rows.Take(PageSize).ToList(), page, PageSize, rows.Count > PageSize);
    }

    private static string ActorOf(HttpContext? context) =>
        context is null ? "cli" : context.User.Identity?.IsAuthenticated == true ? context.User.Identity.Name ?? "unknown" : "anonymous";

    private static string? Clip(string? text) => text is { Length: > MaxText } ? text[..MaxText] : text;
}
