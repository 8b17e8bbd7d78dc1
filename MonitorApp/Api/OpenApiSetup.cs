using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace MonitorApp.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>, complete enough for Redocly's recommended rules (CI lints it): the two
/// ways to authenticate (a bearer token, the sign-in cookie) required by every operation, an <c>operationId</c> for each
/// (from its method and route), a description for each tag, the licence, and the server it was fetched from.
/// </summary>
public static class OpenApiSetup
{
    public const string BearerScheme = "bearer";
    public const string CookieScheme = "cookie";

    /// <summary>Every tag the API uses, described once.</summary>
    public static readonly IReadOnlyDictionary<string, string> Tags = new Dictionary<string, string>
    {
        ["Ingestion"] = "What the platform reports: session events, other services' request outcomes, and OpenTelemetry metrics (OTLP/HTTP). INGEST tokens.",
        ["Metrics"] = "The dashboard's figures as JSON: sessions, quality, error rate and p95 (overall and per service), the database pool, the video providers.",
        ["Alerts"] = "Alert rules and their state, the incident timeline, and silences.",
        ["Audit"] = "The audit trail of access: sign-ins, users, tokens, rate limits. A signed-in SUPER_ADMIN only.",
    };

    public static IServiceCollection AddMonitorOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, context, ct) =>
            {
                document.Info.Title = "MonitorApp";
                document.Info.Description = "System monitoring of the student-counseling platform: live sessions, connection quality, API errors and latency, the database pool, the video providers.";
                document.Info.License = new OpenApiLicense { Name = "Proprietary: for the platform's own operators and services", Identifier = "LicenseRef-Proprietary" };
                // The server is where the document was fetched from, as the framework found it, without its trailing slash.
                foreach (var server in document.Servers ?? [])
                    server.Url = server.Url?.TrimEnd('/');
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token (mon_…): SYSTEM_MONITOR reads, INGEST writes. Created with `tokens create` or the API tokens page.",
                };
                document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Cookie,
                    Name = Web.HostPrefixedCookies.SignIn,
                    Description = "The sign-in cookie of a browser signed in at /login (named __Host-monitor.auth over HTTPS).",
                };
                document.Security =
                [
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] },
                    new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, document)] = [] },
                ];
                document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, ct) =>
            {
                // Each provider's status is also a top-level property (JsonExtensionData, which the generator leaves out).
                if (context.JsonTypeInfo.Type == typeof(Metrics.ExternalServicesMetrics))
                {
                    schema.AdditionalProperties = new OpenApiSchema
                    {
                        Type = JsonSchemaType.String,
                        Description = "A configured provider's status, by its name (daily_co, livekit, beyond_presence, …).",
                        Enum = [.. new[] { ExternalServices.ServiceStatus.Operational, ExternalServices.ServiceStatus.Degraded, ExternalServices.ServiceStatus.Down, ExternalServices.ServiceStatus.Unknown }
                            .Select(status => (System.Text.Json.Nodes.JsonNode)status)],
                    };
                }
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, ct) =>
            {
                var description = context.Description;
                operation.OperationId ??= OperationId(description.HttpMethod ?? "GET", description.RelativePath ?? "");
                AddExamples(operation, context.ApplicationServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime);
                return Task.CompletedTask;
            });
        });

    /// <summary>The operation's examples (<see cref="ApiExamples"/>) on its JSON request body and its successful JSON answers.</summary>
    private static void AddExamples(OpenApiOperation operation, DateTime now)
    {
        var id = operation.OperationId ?? "";
        if (ApiExamples.Request(id, now) is { } request && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
            body.Example = request;
        if (ApiExamples.Response(id) is not { } answer)
            return;
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (status.StartsWith('2') && response.Content?.TryGetValue("application/json", out var content) == true)
                content.Example = answer.DeepClone();
        }
    }

    /// <summary>Where the interactive reference is; its page needs a looser CSP than the rest (<see cref="Web.SecurityHeaders"/>).</summary>
    public const string DocsPath = "/docs";

    /// <summary>
    /// Scalar's interactive reference of the document at <see cref="DocsPath"/>: its script is served by the app (from the
    /// package), no fonts or anything else from a CDN.
    /// </summary>
    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder app) =>
        app.MapScalarApiReference(DocsPath, options => options
            .WithTitle("MonitorApp API")
            .WithOpenApiRoutePattern("/openapi/{documentName}.json")
            .DisableDefaultFonts()
            .WithNonce()); // a fresh nonce per response on its script tags; SecurityHeaders puts it in the CSP

    /// <summary><c>GET api/admin/metrics/error-rate</c> → <c>getAdminMetricsErrorRate</c>; <c>POST v1/metrics</c> → <c>postV1Metrics</c>.</summary>
    public static string OperationId(string method, string path)
    {
        var id = new StringBuilder(method.ToLowerInvariant());
        foreach (var word in path.Split(['/', '-', '_'], StringSplitOptions.RemoveEmptyEntries).Where(w => w != "api" && !w.StartsWith('{')))
            id.Append(char.ToUpper(word[0], CultureInfo.InvariantCulture)).Append(word[1..]);
        return id.ToString();
    }
}
