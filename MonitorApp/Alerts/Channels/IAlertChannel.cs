namespace MonitorApp.Alerts.Channels;

/// <summary>Somewhere a notification is sent. Throws when it was not accepted (the delivery is tried again later).</summary>
public interface IAlertChannel
{
    Task SendAsync(AlertMessage message, CancellationToken cancellationToken);
}
