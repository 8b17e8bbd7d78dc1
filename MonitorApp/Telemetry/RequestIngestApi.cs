using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using MonitorApp.Api;
using MonitorApp.Data;
using MonitorApp.Sessions;

namespace MonitorApp.Telemetry;

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RequestOutcomeBatch([property: JsonPropertyName("requests")] IReadOnlyList<RequestOutcomeDto>? Requests);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RequestOutcomeDto(
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("at")] string? At,
    [property: JsonPropertyName("status")] int? Status,
    [property: JsonPropertyName("duration_ms")] double? DurationMs,
    [property: JsonPropertyName("route")] string? Route = null);

public static class RequestIngestApi
{
    public const int MaxPerBatch = 10_000;
    public const long MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary><c>POST requests</c> on the ingestion group (<see cref="IngestApi"/>).</summary>
    public static RouteGroupBuilder MapRequestOutcomes(this RouteGroupBuilder group)
    {
        group.MapPost("/requests", PostAsync)
            .WithSummary("Report other services' request outcomes (status and duration) in batches of up to 10,000; stored whole or not at all.")
            .Accepts<RequestOutcomeBatch>("application/json");
        return group;
    }

    private static async Task<Results<Ok<IngestAccepted>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, MonitorDbContext db, TimeProvider time, IOptions<TelemetryOptions> options, ServiceLimit limit,
        CancellationToken cancellationToken)
    {
        var (batch, problem) = await JsonBody.ReadAsync<RequestOutcomeBatch>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        var (deltas, count, errors) = Validate(batch!, EventTimeBounds.At(time.GetUtcNow(), options.Value.RetentionDays));
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The batch was rejected; nothing was stored.");

        if (await RollupWriter.WriteAsync(db, deltas, cancellationToken, limit) is { Count: > 0 } refused)
        {
            var list = string.Join(", ", refused.Select(n => $"'{n}'"));
            var firstOf = batch!.Requests!.Select((r, i) => (Name: r!.Service!.Trim(), i)).GroupBy(r => r.Name).ToDictionary(g => g.Key, g => g.First().i);
            var tooMany = refused.ToDictionary(n => $"requests[{firstOf[n]}].service",
                _ => new[] { $"would be a new service: at most {limit.Max} are kept (Telemetry:MaxServices). New in this batch: {list}." });
            return TypedResults.ValidationProblem(tooMany, title: "The batch was rejected; nothing was stored.");
        }
        return TypedResults.Ok(new IngestAccepted(count));
    }

    /// <summary>Checks every outcome, then folds the valid batch into one delta per (service, minute).</summary>
    internal static (List<RollupDelta> Deltas, int Count, Dictionary<string, string[]> Errors) Validate(RequestOutcomeBatch outcomes, EventTimeBounds times)
    {
        var errors = new Dictionary<string, string[]>();
        var valid = BatchValidation.Each(outcomes.Requests, "requests", MaxPerBatch, errors, (r, itemErrors) => Check(r, times, itemErrors));
        if (errors.Count > 0)
            return ([], 0, errors);
        // The same per-minute accumulator that counts this app's own requests folds the batch.
        var batch = new RequestRecorder();
        foreach (var (service, at, status, ms) in valid)
            batch.Record(service, at, status, ms);
        return (batch.Drain(long.MaxValue), valid.Count, errors);
    }

    private static (string Service, DateTime At, int Status, double DurationMs) Check(RequestOutcomeDto r, EventTimeBounds times, ItemErrors errors)
    {
        if (string.IsNullOrWhiteSpace(r.Service))
            errors.Add("service", $"is required: 1 to {DisplayNames.MaxLength} characters.");
        else if (DisplayNames.Problem(r.Service.Trim()) is { } serviceProblem)
            errors.Add("service", serviceProblem);
        if (!SessionEventRules.TryParseInstant(r.At, out var at))
            errors.Add("at", $"'{r.At}' is not an ISO-8601 instant with an offset (Z or ±hh:mm).");
        else if (times.Problem(at, r.At!) is { } atProblem)
            errors.Add("at", atProblem);
        if (r.Status is not (>= 100 and <= 599))
            errors.Add("status", "is required: an HTTP status code from 100 to 599.");
        if (r.DurationMs is not { } ms || !double.IsFinite(ms) || ms < 0)
            errors.Add("duration_ms", "is required: a non-negative number of milliseconds.");
        if (r.Route is { Length: > 300 })
            errors.Add("route", "is longer than 300 characters.");
        return (r.Service?.Trim() ?? "", at, r.Status ?? 0, r.DurationMs ?? 0);
    }
}
