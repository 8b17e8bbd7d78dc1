using MonitorApp.Auth;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using MonitorApp.Web;

namespace MonitorApp.Api;

/// <summary><c>/api/ingest/*</c>: what the platform reports. One group, so access and documentation are set once.</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ingest")
            .AnsweredToMachines()
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitSetup.IngestPerToken)
            .WithTags("Ingestion")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        IngestionCounters.CountIngestion(group);
        group.MapSessionEvents();
        group.MapRequestOutcomes();
        return app;
    }
}
