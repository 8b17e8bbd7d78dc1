namespace MonitorApp.Kernel;

/// <summary>
/// Endpoint metadata: a request here is the page refreshing itself (its timer or its live stream), not its viewer doing
/// anything — it does not keep a sign-in from its idle timeout, or a wall screen left alone would stay signed in forever.
/// With <paramref name="triggerId"/>, only htmx requests raised by that element are (the page's other requests are the viewer's).
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class BackgroundRefreshAttribute(string? triggerId = null) : Attribute
{
    public string? TriggerId => triggerId;

    public static bool Is(HttpContext context) =>
        MachineEndpoint.EndpointOf(context)?.Metadata.GetMetadata<BackgroundRefreshAttribute>() is { } refresh
        && (refresh.TriggerId is null
            || (context.Request.Headers["HX-Request"] == "true" && context.Request.Headers["HX-Trigger"] == refresh.TriggerId));
}
