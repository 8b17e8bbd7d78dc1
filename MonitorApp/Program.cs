using MonitorApp.Auth;
using MonitorApp.Cli;
using MonitorApp.Data;
using MonitorApp.Demo;
using MonitorApp.ExternalServices;
using Htmx.TagHelpers;
using MonitorApp.Health;
using MonitorApp.Metrics;
using MonitorApp.Pages.Dashboard;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using MonitorApp.Web;

var cli = MonitorCli.IsCliInvocation(args);
var builder = WebApplication.CreateBuilder(cli ? [] : args);
if (cli)
{
    // Keep stdout for the command's own output (a token is read off its last line).
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddProblemDetails();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
builder.Services.AddMonitorDatabase();
builder.Services.AddHostedService<DatabaseInitializer>();
builder.Services.AddMonitorAuth();
builder.Services.AddScoped<ApiTokenService>();
builder.Services.AddScoped<UserAdminService>();
builder.Services.AddSessionIngestion();
builder.Services.AddRequestTelemetry();
builder.Services.AddExternalServices();
builder.Services.AddMetricsSnapshot();
builder.Services.AddOpenApi();
builder.Services.AddHealthEndpoints();
builder.Services.AddDemo(builder.Configuration);
builder.Services.AddDashboard();
builder.Services.AddRazorPages();

var app = builder.Build();

if (cli)
{
    // `db migrate` is how a PostgreSQL database gets its tables, so it must not insist they exist.
    if (args[0] != "db")
        await DatabaseInitializer.InitializeAsync(app.Services, CancellationToken.None);
    return await MonitorCli.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
}

app.UseRequestTelemetry();
app.UseSecurityHeaders();
if (!app.Environment.IsDevelopment())
    app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
app.UseAuthorization();

app.MapStaticAssets().AllowAnonymous();
app.MapHealthEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapSessionIngestApi();
app.MapRequestIngestApi();
app.MapMetricsApi();
app.MapDashboardStream();
app.MapHtmxAntiforgeryScript().AllowAnonymous();
app.MapRazorPages().WithStaticAssets();

await app.RunAsync();
return 0;

public partial class Program;
