using Microsoft.AspNetCore.Http.HttpResults;
using MonitorApp.Api;
using MonitorApp.Auth;

namespace MonitorApp.Sessions;

public sealed record IngestAccepted(int Accepted);

public static class SessionIngestApi
{
    public static IServiceCollection AddSessionIngestion(this IServiceCollection services)
    {
        services.AddScoped<SessionIngestor>();
        services.AddSingleton<LiveSessionCount>();
        services.AddHostedService(sp => sp.GetRequiredService<LiveSessionCount>());
        return services;
    }

    public static IEndpointRouteBuilder MapSessionIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ingest")
            .RequireAuthorization(Policies.Ingest)
            .WithTags("Ingestion");

        group.MapPost("/session-events", PostSessionEventsAsync)
            .WithSummary("Report session start, heartbeat, quality samples and end (idempotent; a batch is stored whole or not at all).")
            .Accepts<SessionEventBatch>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Ok<IngestAccepted>, ValidationProblem, ProblemHttpResult>> PostSessionEventsAsync(
        HttpRequest request, SessionIngestor ingestor, CancellationToken cancellationToken)
    {
        var (batch, problem) = await JsonBody.ReadAsync<SessionEventBatch>(request, SessionEventRules.MaxBodyBytes, cancellationToken);
        if (problem is not null)
            return problem;

        return await ingestor.IngestAsync(batch, cancellationToken) switch
        {
            IngestOutcome.Accepted accepted => TypedResults.Ok(new IngestAccepted(accepted.Count)),
            IngestOutcome.Rejected rejected => TypedResults.ValidationProblem(rejected.Errors,
                title: "The batch was rejected; nothing was stored."),
            _ => throw new InvalidOperationException("Unexpected ingestion outcome."),
        };
    }
}
