namespace MonitorApp.Data;

/// <summary>What one instance hears of a topic the others changed (see <see cref="ClusterNotifications"/>).</summary>
public interface IClusterListener
{
    /// <summary>The topic heard: a word without a colon.</summary>
    string Topic { get; }

    /// <summary>Another instance (or this one) changed <see cref="Topic"/>, for <paramref name="key"/> when one was sent.</summary>
    void Receive(string? key);

    /// <summary>This instance was not listening for a while: whatever was sent then is unknown.</summary>
    void Missed();
}
