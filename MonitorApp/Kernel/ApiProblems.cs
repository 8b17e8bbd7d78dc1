using Microsoft.AspNetCore.Mvc;

namespace MonitorApp.Kernel;

public static class ApiProblems
{
    /// <summary>Machine routes: the JSON API and the Prometheus scrape. Their callers get a status, never a login page.</summary>
    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments(Metrics.PrometheusFigures.Path) || request.Path.StartsWithSegments(Telemetry.Otlp.OtlpMetricsApi.Path);

    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path },
            options: null, contentType: "application/problem+json");
    }
}
