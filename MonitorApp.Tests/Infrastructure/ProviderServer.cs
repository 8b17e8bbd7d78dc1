using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// A real HTTP server on 127.0.0.1 that plays the video providers: Statuspage answers with each
/// indicator, plain status codes, slow and never-ending answers, broken JSON, and a switch the test
/// flips to make a provider fail and recover.
/// </summary>
public sealed class ProviderServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private int inFlight;

    private ProviderServer(WebApplication app, string baseUrl)
    {
        this.app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>What <c>/switch</c> answers.</summary>
    public int SwitchStatus { get; set; } = 200;

    /// <summary>Requests to <c>/hang</c> still waiting for an answer that never comes.</summary>
    public int HangingRequests => Volatile.Read(ref inFlight);

    /// <summary>Every request received: when, and its path with query (tests tell callers apart by a query they add).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(DateTime At, string Target)> Requests { get; } = new();

    public string Url(string path) => BaseUrl + path;

    public static async Task<ProviderServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ProviderServer? server = null;
        app.Use((context, next) =>
        {
            server?.Requests.Enqueue((DateTime.UtcNow, context.Request.Path + context.Request.QueryString));
            return next(context);
        });

        app.MapGet("/statuspage/{indicator}", (string indicator) => Results.Json(new
        {
            page = new { id = "test", name = "Test provider" },
            status = new { indicator, description = $"Indicator {indicator} description" },
        }));
        app.MapGet("/status/{code:int}", (int code) => Results.StatusCode(code));
        app.MapGet("/slow/{ms:int}", async (int ms, CancellationToken ct) =>
        {
            await Task.Delay(ms, ct);
            return Results.Ok();
        });
        app.MapGet("/hang", async (CancellationToken ct) =>
        {
            Interlocked.Increment(ref server!.inFlight);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            finally
            {
                Interlocked.Decrement(ref server.inFlight);
            }
        });
        app.MapGet("/malformed", () => Results.Text("{\"status\": {\"indicator\": \"none\"", "application/json"));
        app.MapGet("/switch", () => Results.StatusCode(server!.SwitchStatus));
        // Points at /needs-key by another name for this host, as a hijacked or misconfigured endpoint might.
        app.MapGet("/redirect-to-key", (HttpRequest request) => Results.Redirect($"http://probe-user:probe-secret@localhost:{request.Host.Port}/needs-key?token=redirect-secret"));
        app.MapGet("/needs-key", (HttpRequest request) =>
            request.Headers["x-api-key"] == "test-key" ? Results.Ok() : Results.StatusCode(StatusCodes.Status401Unauthorized));

        await app.StartAsync();
        var address = app.Urls.Single();
        server = new ProviderServer(app, address.TrimEnd('/'));
        return server;
    }

    /// <summary>A local URL where nothing listens (the port was just free).</summary>
    public static string ClosedPortUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/status.json";
    }

    public Task WaitForHangingRequestAsync() => WaitUntilAsync(() => HangingRequests > 0, "no request reached /hang");

    public static Task WaitUntilAsync(Func<bool> condition, string failure) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(30), failure, TimeSpan.FromMilliseconds(10));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
