namespace MonitorApp.Api;

public static class NoStore
{
    /// <summary>
    /// <c>Cache-Control: no-store</c> on every answer of the group: its figures change every few seconds, and a copy
    /// kept by a browser or a proxy would show an operator the past.
    /// </summary>
    public static RouteGroupBuilder WithNoStore(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
