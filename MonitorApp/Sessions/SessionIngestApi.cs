using Microsoft.AspNetCore.Http.HttpResults;
using MonitorApp.Api;
using MonitorApp.Data;

namespace MonitorApp.Sessions;

public static class SessionIngestApi
{
    /// <summary><c>POST session-events</c> on the ingestion group (<see cref="IngestApi"/>).</summary>
    public static RouteGroupBuilder MapSessionEvents(this RouteGroupBuilder group)
    {
        group.MapPost("/session-events", PostSessionEventsAsync)
            .WithSummary("Report session start, heartbeat, quality samples and end (idempotent; a batch is stored whole or not at all).")
            .Accepts<SessionEventBatch>("application/json");
        return group;
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
