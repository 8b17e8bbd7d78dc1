using System.IO.Compression;
using Google.Protobuf;
using Microsoft.Extensions.Options;
using MonitorApp.Api;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Telemetry.Otlp.Proto;
using MonitorApp.Web;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>
/// <c>POST /v1/metrics</c>: OTLP/HTTP's default path, so an OpenTelemetry exporter's endpoint is MonitorApp's base URL. An
/// INGEST token as <c>Authorization: Bearer …</c>; <c>application/x-protobuf</c> or <c>application/json</c>, gzip or not.
/// Answers with OTLP's response message in the request's encoding (with <c>partial_success</c> when points were refused);
/// a request that cannot be read gets 400 (a <c>google.rpc.Status</c> for protobuf, ProblemDetails for JSON).
/// </summary>
public static class OtlpMetricsApi
{
    public const string Path = "/v1/metrics";
    private const string Protobuf = "application/x-protobuf";
    private const string Json = "application/json";
    /// <summary>What is read of a body, compressed or not (an exporter's batch is far smaller).</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public static IEndpointRouteBuilder MapOtlpMetrics(this IEndpointRouteBuilder app)
    {
        var endpoint = app.MapPost(Path, ExportAsync)
            .AnsweredToMachines()
            .RequireAuthorization(Policies.Ingest)
            .RequireRateLimiting(RateLimitSetup.IngestPerToken)
            .WithTags("Ingestion")
            .WithSummary("OTLP/HTTP metrics export (protobuf or JSON, gzip allowed): http.server.request.duration histograms become request outcomes per service.")
            .Accepts<object>(Protobuf, Json)
            .Produces(StatusCodes.Status200OK, contentType: Protobuf, additionalContentTypes: [Json])
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static async Task<IResult> ExportAsync(HttpContext context, MonitorDbContext db, TimeProvider time, IOptions<TelemetryOptions> options,
        IOptions<OtlpOptions> otlpOptions, ServiceLimit limit, IngestionCounters counters, CancellationToken cancellationToken)
    {
        var request = context.Request;
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (Protobuf or Json))
            return Refused(counters, TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send OTLP as '{Protobuf}' or '{Json}'."));
        var json = mediaType == Json;

        ReadOnlyMemory<byte>? body;
        try
        {
            body = await ReadBodyAsync(request, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            // A body that says gzip but is not: the client's mistake, never a 500.
            return Refused(counters, BadRequest(json, "body", $"is marked 'Content-Encoding: gzip' but does not unpack: {ex.Message}"));
        }
        if (body is null)
            return Refused(counters, TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large",
                detail: $"At most {MaxBodyBytes} bytes are read, compressed or not: export more often."));
        ExportMetricsServiceRequest export;
        try
        {
            export = json ? Parser.Parse<ExportMetricsServiceRequest>(System.Text.Encoding.UTF8.GetString(body.Value.Span)) : ExportMetricsServiceRequest.Parser.ParseFrom(body.Value.Span);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException or InvalidDataException)
        {
            return Refused(counters, BadRequest(json, "body", $"is not an OTLP ExportMetricsServiceRequest: {ex.Message}"));
        }

        var now = time.GetUtcNow();
        var read = OtlpHistograms.Read(export, EventTimeBounds.At(now, options.Value.RetentionDays));
        var limits = otlpOptions.Value;
        var points = read.Points;
        long rejected = read.Rejected;
        var reason = read.Reason;
        if (points.Count > limits.MaxPointsPerExport)
        {
            rejected += points.Count - limits.MaxPointsPerExport;
            reason ??= $"at most {limits.MaxPointsPerExport} data points are read per export ({OtlpOptions.Key(nameof(OtlpOptions.MaxPointsPerExport))}): export more often, or fewer attribute combinations";
            points = points.GetRange(0, limits.MaxPointsPerExport);
        }
        OtlpDeltas? deltas = null;
        var refusedServices = await RollupWriter.WriteAsync(db, async ct =>
        {
            deltas = await CumulativeDeltas.ToDeltasAsync(db, points, now.UtcDateTime, limits, ct);
            return deltas.Deltas;
        }, cancellationToken, limit);
        if (refusedServices.Count > 0)
            return Refused(counters, BadRequest(json, "resource.service.name",
                $"would be a new service: at most {limit.Max} are kept (Telemetry:MaxServices). New in this export: {string.Join(", ", refusedServices.Select(n => $"'{n}'"))}."));

        rejected += deltas?.Refused ?? 0;
        reason ??= deltas?.Reason;
        counters.Add("otlp-points", points.Count - (deltas?.Refused ?? 0));
        var response = new ExportMetricsServiceResponse();
        if (rejected > 0)
            response.PartialSuccess = new ExportMetricsPartialSuccess { RejectedDataPoints = rejected, ErrorMessage = reason ?? "" };
        return json
            ? TypedResults.Text(JsonFormatter.Default.Format(response), Json)
            : TypedResults.Bytes(response.ToByteArray(), Protobuf);
    }

    /// <summary>The body, gunzipped when it says so; null when it is (or unpacks to) more than <see cref="MaxBodyBytes"/>.</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;
        var gzip = request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase);
        await using var source = gzip ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int n;
        while ((n = await source.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + n > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }

    private static IResult BadRequest(bool json, string field, string reason) => json
        ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [reason] }, title: "The export was rejected; nothing was stored.")
        : new ProtobufStatus(new Proto.Status { Code = 3, Message = $"{field} {reason}" }); // 3: INVALID_ARGUMENT

    private static IResult Refused(IngestionCounters counters, IResult result)
    {
        counters.Refuse("otlp-points");
        return result;
    }

    /// <summary>400 with a protobuf <c>google.rpc.Status</c>, as OTLP/HTTP asks for a protobuf request.</summary>
    private sealed class ProtobufStatus(Proto.Status status) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            httpContext.Response.ContentType = Protobuf;
            await httpContext.Response.Body.WriteAsync(status.ToByteArray());
        }
    }
}
