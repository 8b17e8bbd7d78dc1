namespace MonitorApp.Web;

/// <summary>
/// A Content-Security-Policy with no inline scripts or styles at all: page scripts live in
/// <c>wwwroot/js</c>, htmx's own indicator styles are switched off (site.css has them), and charts
/// read their data from attributes. An injected <c>&lt;script&gt;</c> would not run.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The reference at /docs: its scripts by the app's own origin and this response's nonce (Scalar writes it on the script
    /// tags it renders), never inline script or eval otherwise; its styles inline (it sets them from script), nothing from
    /// another origin.
    /// </summary>
    public static string DocsContentSecurityPolicy(string? nonce) =>
        $"default-src 'self'; script-src 'self'{(nonce is null ? "" : $" 'nonce-{nonce}'")}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string PermissionsPolicy = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), fullscreen=(self)";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                // Scalar's reference page configures itself with a nonced script and inline styles: allowed there, and only there.
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(Api.OpenApiSetup.DocsPath)
                    ? DocsContentSecurityPolicy(context.Items[Scalar.AspNetCore.ScalarOptions.NonceHttpContextItemKey] as string)
                    : ContentSecurityPolicy;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                // No page here needs a camera, a microphone, a location or payments; full screen only for the wall-screen view.
                headers["Permissions-Policy"] = PermissionsPolicy;
                return Task.CompletedTask;
            });
            await next(context);
        });
}
