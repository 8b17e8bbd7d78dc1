namespace MonitorApp.Kernel;

public static class NoStore
{
    /// <summary>
    /// <c>Cache-Control: no-store</c> on every answer: figures change every few seconds, and a copy kept by a browser
    /// or a proxy would show an operator the past (or keep what only a SUPER_ADMIN may read).
    /// </summary>
    public static TBuilder WithNoStore<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
