using Htmx.TagHelpers;
using MonitorApp.Alerts;
using MonitorApp.Api;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Cli;
using MonitorApp.Data;
using MonitorApp.Demo;
using MonitorApp.ExternalServices;
using MonitorApp.Metrics;
using MonitorApp.Pages.Dashboard;
using MonitorApp.Quality;
using MonitorApp.Sessions;
using MonitorApp.Telemetry.Otlp;
using MonitorApp.Telemetry;
using MonitorApp.Web;

namespace MonitorApp.Hosting;

/// <summary>
/// The app's table of contents: every feature's services, the middleware in order, and every route. Program.cs (and the CLI,
/// which runs on the same services) call these three; each feature's own registration is in its <c>XxxSetup</c>.
/// </summary>
public static class Composition
{
    public static void AddFeatures(WebApplicationBuilder builder)
    {
        // First: its start-up work (migrations, roles) is a hosted service, and hosted services start in this
        // order, before anything else reads the database (the data-protection key ring among them).
        builder.Services.AddMonitorDatabase();
        builder.Services.AddWebDefaults();
        builder.Services.AddProxyAndTransportSecurity();
        builder.Services.AddKeyProtection(builder.Configuration);
        builder.Services.AddMonitorAuth();
        builder.Services.AddAudit();
        builder.Services.AddSessionIngestion();
        builder.Services.AddQuality();
        builder.Services.AddRequestTelemetry();
        builder.Services.AddExternalServices();
        builder.Services.AddMetricsSnapshot();
        builder.Services.AddPrometheusExport();
        builder.Services.AddAlerts();
        builder.Services.AddProbeEndpoints();
        builder.Services.AddRateLimits();
        builder.Services.AddDemo(builder.Configuration);
        builder.Services.AddDashboard();
        builder.Services.AddIdleMemoryTrim(); // after a burst of work, once quiet, memory goes back to the system (Web/IdleMemoryTrim.cs)
    }

    /// <summary>The middleware, in the order each needs the one before.</summary>
    public static void UsePipeline(WebApplication app)
    {
        app.UseKnownProxies(); // X-Forwarded-For/-Proto from Proxy:KnownProxies / Proxy:KnownNetworks only (Web/ProxySetup.cs)
        app.UseHostPrefixedCookies(); // over HTTPS every cookie is __Host-monitor.… (Web/HostPrefixedCookies.cs)
        app.UseRequestTelemetry();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler();
            app.UseHsts(); // on HTTPS requests only (directly or through a known proxy)
        }
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UsePendingSteps(); // a password to change or an authenticator to enrol comes first (Auth/PendingSteps.cs)
        app.UseAuthorization();
        app.UseRateLimiter(); // after authorization: the ingestion limit is per token (Web/RateLimitSetup.cs)
        app.UseOutputCache(); // after authorization: only the dashboard's card refresh is cached (CardsCachePolicy)
    }

    /// <summary>Every route: static assets, probes, the API and its description, the dashboard's stream, the pages.</summary>
    public static void MapEndpoints(WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous().NotInOwnFigures();
        app.MapProbeEndpoints();
        // The API's description is for signed-in users and token holders, except on a developer's machine.
        var openApi = app.MapOpenApi();
        var docs = app.MapApiReference(); // the interactive reference at /docs (Api/OpenApiSetup.cs)
        if (app.Environment.IsDevelopment())
        {
            openApi.AllowAnonymous();
            docs.AllowAnonymous();
        }
        app.MapIngestApi();
        app.MapOtlpMetrics(); // POST /v1/metrics: OpenTelemetry exporters (Telemetry/Otlp)
        app.MapMetricsApi();
        app.MapAlertsApi();
        app.MapAuditApi();
        app.MapPrometheusExport();
        app.MapDashboardStream();
        app.MapHtmxAntiforgeryScript().AllowAnonymous();
        app.MapRazorPages().WithStaticAssets();
    }
}
