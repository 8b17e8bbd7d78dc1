namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>
/// What the alerts card says about the rules and their delivery: how many rules are watched, how often, how many channels, and
/// whether the viewer may silence (and why the last silence asked for was refused).
/// </summary>
public sealed record AlertsPolicy(
    int EnabledRules,
    int EvaluateSeconds,
    int ChannelCount,
    bool CanSilence,
    IReadOnlyDictionary<string, string[]>? SilenceErrors = null);
