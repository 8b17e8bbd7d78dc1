using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using MonitorApp.Api;
using MonitorApp.Auth;
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

    public static IServiceCollection AddRequestTelemetry(this IServiceCollection services)
    {
        services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RequestRecorder>();
        services.AddSingleton<TelemetryFlusher>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryFlusher>());
        services.AddSingleton<TelemetryRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryRetention>());
        return services;
    }

    public static IApplicationBuilder UseRequestTelemetry(this IApplicationBuilder app) => app.UseMiddleware<RequestTelemetryMiddleware>();

    public static IEndpointRouteBuilder MapRequestIngestApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/ingest")
            .RequireAuthorization(Policies.Ingest)
            .WithTags("Ingestion")
            .MapPost("/requests", PostAsync)
            .WithSummary("Report other services' request outcomes (status and duration) in batches of up to 10,000; stored whole or not at all.")
            .Accepts<RequestOutcomeBatch>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Ok<Sessions.IngestAccepted>, ValidationProblem, ProblemHttpResult>> PostAsync(
        HttpRequest request, MonitorDbContext db, CancellationToken cancellationToken)
    {
        var (batch, problem) = await JsonBody.ReadAsync<RequestOutcomeBatch>(request, MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        var (deltas, count, errors) = Validate(batch!);
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors, title: "The batch was rejected; nothing was stored.");

        await RollupWriter.WriteAsync(db, deltas, cancellationToken);
        return TypedResults.Ok(new Sessions.IngestAccepted(count));
    }

    /// <summary>Checks every outcome, then folds the valid batch into one delta per (service, minute).</summary>
    internal static (List<RollupDelta> Deltas, int Count, Dictionary<string, string[]> Errors) Validate(RequestOutcomeBatch outcomes)
    {
        var errors = new Dictionary<string, string[]>();
        if (outcomes.Requests is null || outcomes.Requests.Count == 0)
        {
            errors["requests"] = [$"is required: an array of 1 to {MaxPerBatch} request outcomes."];
            return ([], 0, errors);
        }
        if (outcomes.Requests.Count > MaxPerBatch)
        {
            errors["requests"] = [$"holds {outcomes.Requests.Count} outcomes; at most {MaxPerBatch} are accepted per batch."];
            return ([], 0, errors);
        }

        // The same per-minute accumulator that counts this app's own requests folds the batch.
        var batch = new RequestRecorder();
        for (var i = 0; i < outcomes.Requests.Count; i++)
        {
            var r = outcomes.Requests[i];
            var prefix = $"requests[{i}]";
            if (r is null)
            {
                errors[prefix] = ["must be an object."];
                continue;
            }
            var before = errors.Count;
            if (string.IsNullOrWhiteSpace(r.Service) || r.Service.Length > 100)
                errors[$"{prefix}.service"] = ["is required: 1 to 100 characters."];
            if (!SessionEventRules.TryParseInstant(r.At, out var at))
                errors[$"{prefix}.at"] = [$"'{r.At}' is not an ISO-8601 instant with an offset (Z or ±hh:mm)."];
            if (r.Status is not (>= 100 and <= 599))
                errors[$"{prefix}.status"] = ["is required: an HTTP status code from 100 to 599."];
            if (r.DurationMs is not { } ms || !double.IsFinite(ms) || ms < 0)
                errors[$"{prefix}.duration_ms"] = ["is required: a non-negative number of milliseconds."];
            if (r.Route is { Length: > 300 })
                errors[$"{prefix}.route"] = ["is longer than 300 characters."];
            if (errors.Count > before)
                continue;

            batch.Record(r.Service!.Trim(), at, r.Status!.Value, r.DurationMs!.Value);
        }
        return (errors.Count > 0 ? [] : batch.Drain(long.MaxValue), outcomes.Requests.Count, errors);
    }
}
