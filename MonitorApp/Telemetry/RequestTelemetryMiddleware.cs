using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace MonitorApp.Telemetry;

/// <summary>
/// Records this app's own requests (not those whose route says <see cref="NotInOwnFiguresAttribute"/>: static files,
/// health probes, the event stream) — only those that matched an endpoint and came from an authenticated caller, so an
/// anonymous flood of 401s and 404s cannot dilute the error rate, and a slow anonymous upload cannot raise the p95.
/// </summary>
public sealed class RequestTelemetryMiddleware(RequestDelegate next, RequestRecorder recorder, TimeProvider time, IOptions<TelemetryOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!options.Value.RecordOwnRequests || NotInOwnFiguresAttribute.Is(context))
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError;
        try
        {
            await next(context);
            status = context.Response.StatusCode;
        }
        finally
        {
            if (context.GetEndpoint() is not null && context.User.Identity?.IsAuthenticated == true)
                recorder.Record(options.Value.ServiceName, time.GetUtcNow().UtcDateTime, status, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
