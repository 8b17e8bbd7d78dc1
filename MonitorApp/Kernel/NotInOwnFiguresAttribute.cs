namespace MonitorApp.Kernel;

/// <summary>
/// Endpoint metadata: requests here are not counted in this app's own error rate and p95 (<c>Telemetry:RecordOwnRequests</c>):
/// static files, the health probes, the live stream (one request that lasts ten minutes is no latency). Declared on the
/// route, not listed by URL (issue 27).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class NotInOwnFiguresAttribute : Attribute
{
    public static bool Is(HttpContext context) => context.GetEndpoint()?.Metadata.GetMetadata<NotInOwnFiguresAttribute>() is not null;
}

public static class NotInOwnFiguresExtensions
{
    public static TBuilder NotInOwnFigures<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new NotInOwnFiguresAttribute());
}
