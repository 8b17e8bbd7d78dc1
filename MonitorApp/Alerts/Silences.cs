using Microsoft.EntityFrameworkCore;
using System.Globalization;
using System.Text.Json.Serialization;
using MonitorApp.Api;
using MonitorApp.Data;

namespace MonitorApp.Alerts;

/// <summary>The body of <c>POST /api/admin/alerts/silences</c>, and what the dashboard's silence form sends.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SilenceRequest(
    [property: JsonPropertyName("rule")] string? Rule,
    [property: JsonPropertyName("duration_minutes")] int? DurationMinutes,
    [property: JsonPropertyName("comment")] string? Comment,
    [property: JsonPropertyName("service")] string? Service = null);

/// <summary>Creating a silence, the same way from the dashboard and from a script.</summary>
public static class Silences
{
    public const int MaxMinutes = 7 * 24 * 60;
    public const int MaxCommentLength = 500;

    /// <summary>What is wrong with <paramref name="request"/>, by field; empty when it can be created.</summary>
    public static Dictionary<string, string[]> Validate(SilenceRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(request.Rule) || !AlertRules.ByName.ContainsKey(request.Rule))
            errors["rule"] = [$"must be one of {string.Join(", ", AlertRules.All.Select(r => r.Name))}."];
        if (request.DurationMinutes is not (>= 1 and <= MaxMinutes))
            errors["duration_minutes"] = [$"must be a whole number of minutes from 1 to {MaxMinutes} (7 days)."];
        var comment = request.Comment?.Trim();
        if (string.IsNullOrEmpty(comment))
            errors["comment"] = ["is required: say why, for whoever looks at this alert next."];
        else if (comment.Length > MaxCommentLength)
            errors["comment"] = [$"is longer than {MaxCommentLength} characters."];
        else if (DisplayNames.TextProblem(comment) is { } commentProblem)
            errors["comment"] = [commentProblem];
        if (request.Service is { Length: > 0 } service)
        {
            if (!AlertRules.PerSubject.Contains(request.Rule ?? ""))
                errors["service"] = [$"only applies to {string.Join(" and ", AlertRules.PerSubject)} (the service or provider it is about)."];
            else if (DisplayNames.Problem(service) is { } problem)
                errors["service"] = [problem];
            else if (request.Rule == AlertRules.QualityPoorShare && !WireNames.ProviderNames.Contains(service))
                errors["service"] = [$"'{service}' is not a video provider: use {string.Join(", ", WireNames.ProviderNames)}."]; // else it would silence nothing
        }
        return errors;
    }

    /// <summary>Stores a silence that <see cref="Validate"/> accepted, with its timeline event and its audit row, in one transaction.</summary>
    public static Task<Silence> CreateAsync(MonitorDbContext db, Audit.AuditLog audit, SilenceRequest request, string createdBy, DateTime now, CancellationToken cancellationToken) =>
        db.InOneTransactionAsync(async () =>
        {
            var silence = await CreateAsync(db, request, createdBy, now, cancellationToken);
            await audit.RecordAsync(Audit.AuditActions.SilenceCreated, Audit.AuditActions.Success, target: silence.What,
                detail: $"until {silence.EndsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: {silence.Comment}", cancellationToken: cancellationToken);
            return silence;
        }, cancellationToken);

    /// <summary>
    /// Ends an active silence now (its end goes on the timeline at the next evaluation, as when it runs out), audited in the same
    /// transaction; false when no silence with that id is active.
    /// </summary>
    public static Task<bool> EndAsync(MonitorDbContext db, Audit.AuditLog audit, long id, DateTime now, CancellationToken cancellationToken) =>
        db.InOneTransactionAsync(async () =>
        {
            var silence = await db.Silences.SingleOrDefaultAsync(s => s.Id == id && s.EndsAt > now, cancellationToken);
            if (silence is null)
                return false;
            silence.EndsAt = now;
            await db.SaveChangesAsync(cancellationToken);
            await audit.RecordAsync(Audit.AuditActions.SilenceEnded, Audit.AuditActions.Success, target: silence.What,
                detail: $"silence {id} ended early", cancellationToken: cancellationToken);
            return true;
        }, cancellationToken);

    private static async Task<Silence> CreateAsync(MonitorDbContext db, SilenceRequest request, string createdBy, DateTime now, CancellationToken cancellationToken)
    {
        var silence = new Silence
        {
            Rule = request.Rule!, Subject = request.Service ?? "", StartsAt = now, EndsAt = now.AddMinutes(request.DurationMinutes!.Value),
            Comment = request.Comment!.Trim(), CreatedBy = createdBy,
        };
        db.Silences.Add(silence);
        var what = silence.What;
        db.TimelineEvents.Add(new TimelineEvent
        {
            At = now, Kind = TimelineEvent.Silence, Subject = what, State = "silenced",
            Summary = $"{what} silenced by {createdBy} until {silence.EndsAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            Reasons = silence.Comment,
        });
        await db.SaveChangesAsync(cancellationToken);
        return silence;
    }
}
