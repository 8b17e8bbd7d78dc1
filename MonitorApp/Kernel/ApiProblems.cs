using Microsoft.AspNetCore.Mvc;

namespace MonitorApp.Kernel;

public static class ApiProblems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsJsonAsync(
            new ProblemDetails { Status = status, Title = title, Detail = detail, Instance = context.Request.Path },
            options: null, contentType: "application/problem+json");
    }
}
