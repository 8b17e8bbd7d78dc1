using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using netDumbster.smtp;

using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Alerts;

/// <summary>
/// The places alerts go, played for real on 127.0.0.1: an HTTP server taking webhook and Slack posts (it can be told to
/// fail, as a receiver that is down), and an SMTP server (netDumbster) taking e-mail.
/// </summary>
public sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication app;

    private AlertReceiver(WebApplication app, string baseUrl, SimpleSmtpServer smtp, int smtpPort)
    {
        this.app = app;
        BaseUrl = baseUrl;
        Smtp = smtp;
        SmtpPort = smtpPort;
    }

    public string BaseUrl { get; }
    public SimpleSmtpServer Smtp { get; }
    public int SmtpPort { get; }

    /// <summary>While true, every post is answered 503 (and recorded as refused).</summary>
    public bool Failing { get; set; }

    /// <summary>Posts accepted (answered 200), by path: <c>/hook/webhook</c>, <c>/hook/slack</c>.</summary>
    public ConcurrentQueue<(string Path, string Body)> Accepted { get; } = new();

    public int Refused;

    public IReadOnlyList<string> Bodies(string path) => Accepted.Where(p => p.Path == path).Select(p => p.Body).ToList();

    /// <summary>The subjects of the e-mails received, in order.</summary>
    public IReadOnlyList<string> MailSubjects => Smtp.ReceivedEmail.Select(m => m.Headers["Subject"] ?? "").ToList();

    /// <summary>Settings for three channels (webhook, slack, email) pointing here.</summary>
    public Dictionary<string, string?> Channels() => new()
    {
        ["Alerts:Channels:hook:Kind"] = "webhook",
        ["Alerts:Channels:hook:Url"] = BaseUrl + "/hook/webhook",
        ["Alerts:Channels:chat:Kind"] = "slack",
        ["Alerts:Channels:chat:Url"] = BaseUrl + "/hook/slack",
        ["Alerts:Channels:mail:Kind"] = "email",
        ["Alerts:Channels:mail:Host"] = "127.0.0.1",
        ["Alerts:Channels:mail:Port"] = SmtpPort.ToString(),
        ["Alerts:Channels:mail:UseTls"] = "false",
        ["Alerts:Channels:mail:From"] = "monitor@example.test",
        ["Alerts:Channels:mail:To"] = "oncall@example.test, lead@example.test",
    };

    public static async Task<AlertReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        AlertReceiver? receiver = null;
        app.MapPost("/hook/{name}", async (HttpContext context) =>
        {
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            if (receiver!.Failing)
            {
                Interlocked.Increment(ref receiver.Refused);
                return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
            }
            receiver.Accepted.Enqueue((context.Request.Path, body));
            return Results.Ok();
        });
        await app.StartAsync();
        var smtpPort = AppProcess.FreePort();
        var smtp = SimpleSmtpServer.Start(smtpPort);
        receiver = new AlertReceiver(app, app.Urls.Single(), smtp, smtpPort);
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        Smtp.Stop();
        await app.DisposeAsync();
    }
}
