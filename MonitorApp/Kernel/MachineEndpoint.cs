using Microsoft.AspNetCore.Diagnostics;

namespace MonitorApp.Kernel;

/// <summary>
/// Endpoint metadata: a route answered to programs (the JSON API, the Prometheus scrape, OTLP). Their callers get a status and
/// problem+json, never a sign-in page or a redirect. Routes declare it (<see cref="AnsweredToMachines{TBuilder}"/>); nothing
/// decides by the URL.
/// </summary>
public static class MachineEndpoint
{
    private sealed class Marker;

    private static readonly Marker Instance = new();

    /// <summary>Whether the request's endpoint (or the one that failed, inside the exception handler) is answered to programs.</summary>
    public static bool Is(HttpContext context) => EndpointOf(context)?.Metadata.GetMetadata<Marker>() is not null;

    /// <summary>The endpoint routing chose; inside the exception handler (which clears it) the one that threw.</summary>
    public static Endpoint? EndpointOf(HttpContext context) =>
        context.GetEndpoint() ?? context.Features.Get<IExceptionHandlerFeature>()?.Endpoint;

    public static TBuilder AnsweredToMachines<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(Instance);
}
