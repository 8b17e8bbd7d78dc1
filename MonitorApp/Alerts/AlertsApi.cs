using System.Security.Claims;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Api;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Web;

namespace MonitorApp.Alerts;

public sealed record AlertJson(string Subject, string State, DateTime ActiveSince, DateTime? FiredAt, DateTime? ClearSince, double? Value,
    double? Threshold, string Reason, string Fingerprint, bool Silenced, long? SilenceId);

public sealed record RuleJson(string Name, string Severity, string Watches, bool Enabled, string For, string KeepFiringFor, string State, IReadOnlyList<AlertJson> Alerts);

public sealed record SilenceJson(long Id, string Rule, string? Service, DateTime StartsAt, DateTime EndsAt, string Comment, string CreatedBy);

public sealed record DeliveryFailureJson(string Channel, string Rule, string? Service, string State, int Attempts, string? LastError,
    DateTime CreatedAt, DateTime? NextAttemptAt, DateTime? GaveUpAt);

public sealed record AlertsJson(DateTime? ReadAt, int EvaluateSeconds, IReadOnlyList<string> Channels, IReadOnlyList<RuleJson> Rules,
    IReadOnlyList<SilenceJson> Silences, IReadOnlyList<DeliveryFailureJson> DeliveryFailures);

public sealed record EventJson(DateTime At, string Kind, string Subject, string State, string? PreviousState, string Summary, IReadOnlyList<string> Reasons);

public sealed record EventsJson(int Hours, IReadOnlyList<EventJson> Events);

/// <summary><c>/api/admin/alerts</c> (rules, their alerts, silences, failing deliveries; silences for SUPER_ADMIN) and <c>/api/admin/events</c>.</summary>
public static class AlertsApi
{
    public const int MaxEventHours = 168;

    public static IEndpointRouteBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/admin")
            .AnsweredToMachines()
            .RequireAuthorization(Policies.Monitor)
            .WithTags("Alerts")
            .WithNoStore()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("/alerts", Alerts)
            .WithSummary("Every rule with its settings and current state (inactive, pending, firing), its alerts, the active silences, and notifications failing to deliver.");
        group.MapGet("/events", EventsAsync)
            .WithSummary("The incident timeline, newest first: health and external-service changes, alert state changes and silences of the last `hours` (1–168, default 24).")
            .ProducesValidationProblem();
        group.MapPost("/alerts/silences", SilenceAsync)
            .RequireAuthorization(Policies.Silence)
            .WithSummary("Silence one rule (or, with `service`, one service's service_down) for `duration_minutes` with a `comment`: its alerts still show but notify nobody. SUPER_ADMIN.")
            .Accepts<SilenceRequest>("application/json")
            .ProducesValidationProblem();
        group.MapDelete("/alerts/silences/{id:long}", EndSilenceAsync)
            .RequireAuthorization(Policies.Silence)
            .WithSummary("End an active silence now: its rule notifies again from the next evaluation. SUPER_ADMIN; audited.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    public static AlertsJson ToJson(AlertBoardView board, AlertsOptions options, IEnumerable<string> channels) => new(
        board.ReadAt,
        options.EvaluateSeconds,
        [.. channels],
        AlertRules.All.Select(rule =>
        {
            var settings = options.Rule(rule.Name);
            var alerts = board.Alerts.Where(a => a.Rule == rule.Name).Select(a => new AlertJson(a.Subject, a.State, a.ActiveSince, a.FiredAt, a.ClearSince,
                a.Value, a.Threshold, a.Reason, a.Fingerprint, a.SilencedBy is not null, a.SilencedBy?.Id)).ToList();
            var state = !settings.Enabled ? "disabled"
                : alerts.Any(a => a.State == AlertState.Firing) ? AlertState.Firing
                : alerts.Count > 0 ? AlertState.Pending : "inactive";
            return new RuleJson(rule.Name, rule.Severity.Name(), rule.Watches, settings.Enabled,
                settings.For.ToString("c"), settings.KeepFiringFor.ToString("c"), state, alerts);
        }).ToList(),
        board.Silences.Select(ToJson).ToList(),
        board.Failures.Select(f => new DeliveryFailureJson(f.Channel, f.Rule, f.Subject.Length == 0 ? null : f.Subject, f.State, f.Attempts, f.LastError,
            f.CreatedAt, f.NextAttemptAt, f.GaveUpAt)).ToList());

    public static SilenceJson ToJson(Silence s) => new(s.Id, s.Rule, s.Subject.Length == 0 ? null : s.Subject, s.StartsAt, s.EndsAt, s.Comment, s.CreatedBy);

    private static Ok<AlertsJson> Alerts(AlertBoard board, IOptions<AlertsOptions> options, Channels.AlertChannels channels) =>
        TypedResults.Ok(ToJson(board.Current, options.Value, channels.Names));

    private static async Task<Results<Ok<EventsJson>, ValidationProblem>> EventsAsync(string? hours, MonitorDbContext db, TimeProvider time, CancellationToken ct)
    {
        var count = 24;
        if (hours is not null && (!int.TryParse(hours, out count) || count is < 1 or > MaxEventHours))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["hours"] = [$"must be a whole number from 1 to {MaxEventHours}."] });
        var since = time.GetUtcNow().UtcDateTime.AddHours(-count);
        var events = await db.TimelineEvents.AsNoTracking().Where(e => e.At >= since)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Take(1000).ToListAsync(ct);
        return TypedResults.Ok(new EventsJson(count, events.Select(e => new EventJson(e.At, e.Kind, e.Subject, e.State, e.PreviousState, e.Summary,
            e.Reasons.Split('\n', StringSplitOptions.RemoveEmptyEntries))).ToList()));
    }

    private static async Task<Results<Created<SilenceJson>, ValidationProblem, ProblemHttpResult>> SilenceAsync(
        HttpRequest request, ClaimsPrincipal user, MonitorDbContext db, Audit.AuditLog audit, AlertBoard board, TimeProvider time, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<SilenceRequest>(request, 16 * 1024, ct);
        if (problem is not null)
            return problem;
        var errors = Silences.Validate(body!);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The silence was not created.");
        var silence = await Silences.CreateAsync(db, audit, body!, user.Identity?.Name ?? "unknown", time.GetUtcNow().UtcDateTime, ct);
        await board.RefreshAsync(ct);
        return TypedResults.Created($"/api/admin/alerts/silences/{silence.Id}", ToJson(silence));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> EndSilenceAsync(long id, MonitorDbContext db, Audit.AuditLog audit, AlertBoard board,
        TimeProvider time, CancellationToken ct)
    {
        if (!await Silences.EndAsync(db, audit, id, time.GetUtcNow().UtcDateTime, ct))
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such silence", detail: $"No active silence has id {id}.");
        await board.RefreshAsync(ct);
        return TypedResults.NoContent();
    }
}
