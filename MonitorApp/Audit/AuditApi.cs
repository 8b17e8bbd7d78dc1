using Microsoft.AspNetCore.Http.HttpResults;
using MonitorApp.Api;
using MonitorApp.Auth;

namespace MonitorApp.Audit;

/// <summary><c>GET /api/admin/audit</c>: the audit trail for a signed-in SUPER_ADMIN (a token never reads it).</summary>
public static class AuditApi
{
    public sealed record AuditEventJson(long Id, DateTime At, string Action, string? Actor, string? Target, string? Address, string Outcome, string? Detail);

    public sealed record AuditJson(IReadOnlyList<AuditEventJson> Events, int Page, int PageSize, bool HasMore);

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/admin/audit", ReadAsync)
            .AnsweredToMachines()
            .RequireAuthorization(Policies.SuperAdmin)
            .WithTags("Audit")
            .WithNoStore()
            .WithSummary("The audit trail, newest first, 50 a page: sign-ins, sign-outs, MFA, passwords, users, tokens and rate limits tripped. Filter by `action` and `user` (actor or target). Signed-in SUPER_ADMIN only.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    private static async Task<Results<Ok<AuditJson>, ValidationProblem>> ReadAsync(AuditLog audit, string? action, string? user, int? page, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (action is not null && !AuditActions.All.Contains(action))
            errors["action"] = [$"'{action}' is not an audit action; use one of {string.Join(", ", AuditActions.All)}."];
        if (page is < 1 or > 100_000)
            errors["page"] = ["page must be between 1 and 100000."];
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var read = await audit.ReadAsync(action, string.IsNullOrWhiteSpace(user) ? null : user.Trim(), since: null, page ?? 1, ct);
        return TypedResults.Ok(new AuditJson(
            read.Events.Select(e => new AuditEventJson(e.Id, e.At, e.Action, e.Actor, e.Target, e.Address, e.Outcome, e.Detail)).ToList(),
            read.Page, read.PageSize, read.HasMore));
    }
}
