using MonitorApp.Auth;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;

namespace MonitorApp.Api;

/// <summary><c>/api/ingest/*</c>: what the platform reports. One group, so access and documentation are set once.</summary>
public static class IngestApi
{
    public static IEndpointRouteBuilder MapIngestApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/ingest")
            .RequireAuthorization(Policies.Ingest)
            .WithTags("Ingestion")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        group.MapSessionEvents();
        group.MapRequestOutcomes();
        return app;
    }
}
