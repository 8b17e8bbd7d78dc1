using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MonitorApp.Alerts.Channels;

/// <summary><c>Kind: email</c>: one plain-text message per notification, sent with MailKit.</summary>
public sealed class EmailChannel(AlertChannelOptions options) : IAlertChannel
{
    public async Task SendAsync(AlertMessage message, CancellationToken cancellationToken)
    {
        var mail = new MimeMessage { Subject = message.Title, Body = new TextPart("plain") { Text = message.Text() } };
        mail.From.Add(MailboxAddress.Parse(options.From!));
        foreach (var to in AlertsOptionsValidation.Recipients(options.To))
            mail.To.Add(MailboxAddress.Parse(to));

        using var smtp = new SmtpClient { Timeout = 15_000 };
        var security = !options.UseTls ? SecureSocketOptions.None
            : options.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        await smtp.ConnectAsync(options.Host!, options.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(options.Username))
            await smtp.AuthenticateAsync(options.Username, options.Password ?? "", cancellationToken);
        await smtp.SendAsync(mail, cancellationToken);
        await smtp.DisconnectAsync(quit: true, cancellationToken);
    }
}
