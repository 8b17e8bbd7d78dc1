using MonitorApp.Quality;

namespace MonitorApp.Sessions;

/// <summary>A <c>stats</c> event's fields, checked into a <see cref="WindowStats"/> (and refused on any other event type).</summary>
public static class StatsEventRules
{
    /// <summary>The fields only a <c>stats</c> event carries, by their wire names.</summary>
    private static IEnumerable<(string Field, bool Present)> StatsFields(SessionEventDto e) =>
    [
        ("direction", e.Direction is not null), ("kind", e.Kind is not null), ("window_seconds", e.WindowSeconds is not null),
        ("packet_loss_pct", e.PacketLossPct is not null), ("rtt_ms", e.RttMs is not null), ("jitter_ms", e.JitterMs is not null),
        ("bitrate_kbps", e.BitrateKbps is not null), ("expected_bitrate_kbps", e.ExpectedBitrateKbps is not null), ("fps", e.Fps is not null),
        ("freeze_count", e.FreezeCount is not null), ("relay", e.Relay is not null), ("provider_level", e.ProviderLevel is not null),
    ];

    /// <summary>Another event type carrying a measurement is refused: the measurement would otherwise be lost unseen.</summary>
    public static void RefuseOnOtherTypes(SessionEventDto e, ItemErrors errors)
    {
        foreach (var (field, present) in StatsFields(e))
        {
            if (present)
                errors.Add(field, "only a stats event carries it.");
        }
    }

    public static WindowStats? Check(SessionEventDto e, ItemErrors errors)
    {
        var valid = true;
        void Refuse(string field, string message)
        {
            errors.Add(field, message);
            valid = false;
        }

        if (e.Direction is null)
            Refuse("direction", "is required on a stats event: send or receive.");
        else if (!WindowStatsRules.Directions.Contains(e.Direction))
            Refuse("direction", $"'{e.Direction}' is not one of send, receive.");
        if (e.Kind is null)
            Refuse("kind", "is required on a stats event: audio or video.");
        else if (!WindowStatsRules.Kinds.Contains(e.Kind))
            Refuse("kind", $"'{e.Kind}' is not one of audio, video.");
        if (e.WindowSeconds is not (>= 1 and <= WindowStatsRules.MaxWindowSeconds))
            Refuse("window_seconds", $"is required on a stats event: whole seconds from 1 to {WindowStatsRules.MaxWindowSeconds}.");
        if (e.PacketLossPct is not { } loss || !double.IsFinite(loss) || loss is < 0 or > 100)
            Refuse("packet_loss_pct", "is required on a stats event: a percentage from 0 to 100.");
        if (e.RttMs is not { } rtt || !double.IsFinite(rtt) || rtt is < 0 or > WindowStatsRules.MaxDelayMs)
            Refuse("rtt_ms", $"is required on a stats event: milliseconds from 0 to {WindowStatsRules.MaxDelayMs:0}.");
        if (e.JitterMs is not { } jitter || !double.IsFinite(jitter) || jitter is < 0 or > WindowStatsRules.MaxDelayMs)
            Refuse("jitter_ms", $"is required on a stats event: milliseconds from 0 to {WindowStatsRules.MaxDelayMs:0}.");
        foreach (var (field, value) in new[] { ("bitrate_kbps", e.BitrateKbps), ("expected_bitrate_kbps", e.ExpectedBitrateKbps), ("fps", e.Fps) })
        {
            if (value is { } v && (!double.IsFinite(v) || v < 0))
                Refuse(field, "must be a non-negative number when given.");
        }
        if (e.FreezeCount is < 0)
            Refuse("freeze_count", "must be a non-negative whole number when given.");
        if (e.ProviderLevel is { } level && (level.Length is 0 or > WindowStatsRules.MaxProviderLevelLength || level.Any(char.IsControl)))
            Refuse("provider_level", $"must be 1 to {WindowStatsRules.MaxProviderLevelLength} characters without control characters when given.");

        return valid
            ? new WindowStats(e.Direction!, e.Kind!, e.WindowSeconds!.Value, e.PacketLossPct!.Value, e.RttMs!.Value, e.JitterMs!.Value,
                e.BitrateKbps, e.ExpectedBitrateKbps, e.Fps, e.FreezeCount, e.Relay, e.ProviderLevel)
            : null;
    }
}
