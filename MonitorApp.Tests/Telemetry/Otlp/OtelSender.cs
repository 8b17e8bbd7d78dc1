using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;

namespace MonitorApp.Tests.Telemetry.Otlp;

/// <summary>
/// A platform service as the platform writes one: a small ASP.NET Core app instrumented with OpenTelemetry's own SDK
/// (AspNetCore instrumentation, the OTLP exporter over HTTP/protobuf) exporting to MonitorApp with an INGEST token.
/// It serves <c>/ok</c> (200), <c>/fail</c> (500) and <c>/slow</c> (200 after 300 ms).
/// </summary>
public sealed class OtelSender : IAsyncDisposable
{
    private readonly WebApplication app;

    private OtelSender(WebApplication app, HttpClient client)
    {
        this.app = app;
        Client = client;
    }

    public HttpClient Client { get; }

    public static async Task<OtelSender> StartAsync(string service, string monitorBaseUrl, string token, MetricReaderTemporalityPreference temporality)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter((exporter, reader) =>
                {
                    exporter.Endpoint = new Uri(monitorBaseUrl + "/v1/metrics");
                    exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
                    exporter.Headers = "Authorization=Bearer " + token;
                    reader.TemporalityPreference = temporality;
                    // The test exports when it wants (ForceFlush), not on a timer.
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 3_600_000;
                }));
        var app = builder.Build();
        app.MapGet("/ok", () => "ok");
        app.MapGet("/fail", () => Results.StatusCode(StatusCodes.Status500InternalServerError));
        app.MapGet("/slow", async () =>
        {
            await Task.Delay(300);
            return "slow";
        });
        await app.StartAsync();
        var address = app.Urls.First();
        return new OtelSender(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    public async Task ServeAsync(int ok, int fail, int slow)
    {
        foreach (var (path, times) in new[] { ("/ok", ok), ("/fail", fail), ("/slow", slow) })
        {
            for (var i = 0; i < times; i++)
                await Client.GetAsync(path);
        }
    }

    /// <summary>Exports now; true when the exporter reported success.</summary>
    public bool Export() => app.Services.GetRequiredService<MeterProvider>().ForceFlush(30_000);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
