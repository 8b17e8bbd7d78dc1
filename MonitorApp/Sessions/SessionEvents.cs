using System.Globalization;
using System.Text.Json.Serialization;
using MonitorApp.Api;

namespace MonitorApp.Sessions;

/// <summary>The body of <c>POST /api/ingest/session-events</c>. Unknown properties are refused, so no personal data can slip in.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SessionEventBatch(
    [property: JsonPropertyName("events")] IReadOnlyList<SessionEventDto>? Events);

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record SessionEventDto(
    [property: JsonPropertyName("session_id")] string? SessionId,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("at")] string? At,
    [property: JsonPropertyName("category")] string? Category = null,
    [property: JsonPropertyName("provider")] string? Provider = null,
    [property: JsonPropertyName("quality")] string? Quality = null,
    [property: JsonPropertyName("direction")] string? Direction = null,
    [property: JsonPropertyName("kind")] string? Kind = null,
    [property: JsonPropertyName("window_seconds")] int? WindowSeconds = null,
    [property: JsonPropertyName("packet_loss_pct")] double? PacketLossPct = null,
    [property: JsonPropertyName("rtt_ms")] double? RttMs = null,
    [property: JsonPropertyName("jitter_ms")] double? JitterMs = null,
    [property: JsonPropertyName("bitrate_kbps")] double? BitrateKbps = null,
    [property: JsonPropertyName("expected_bitrate_kbps")] double? ExpectedBitrateKbps = null,
    [property: JsonPropertyName("fps")] double? Fps = null,
    [property: JsonPropertyName("freeze_count")] int? FreezeCount = null,
    [property: JsonPropertyName("relay")] bool? Relay = null,
    [property: JsonPropertyName("provider_level")] string? ProviderLevel = null);

public enum SessionEventType { Started, Heartbeat, Quality, Ended, Stats }

/// <summary>An event that passed validation, in the types the store works with.</summary>
public sealed record SessionEvent(
    string SessionId,
    SessionEventType Type,
    DateTime At,
    string? Category = null,
    VideoProvider? Provider = null,
    ConnectionQuality? Quality = null,
    Quality.WindowStats? Stats = null);

public static class SessionEventRules
{
    public const int MaxEventsPerBatch = 5_000;
    public const int MaxSessionIdLength = 128;
    public const int MaxCategoryLength = DisplayNames.MaxLength;
    public const long MaxBodyBytes = 2 * 1024 * 1024;

    private static readonly Dictionary<string, SessionEventType> Types = new()
    {
        ["started"] = SessionEventType.Started,
        ["heartbeat"] = SessionEventType.Heartbeat,
        ["quality"] = SessionEventType.Quality,
        ["ended"] = SessionEventType.Ended,
        ["stats"] = SessionEventType.Stats,
    };

    private static readonly string TypeNames = string.Join(", ", Types.Keys);

    /// <summary>
    /// Checks the whole batch before anything is stored. Errors are keyed by the JSON path of the
    /// offending field (<c>events[3].provider</c>), so the sender can fix exactly what is wrong.
    /// </summary>
    public static (List<SessionEvent> Events, Dictionary<string, string[]> Errors) Validate(SessionEventBatch? batch, EventTimeBounds times)
    {
        var errors = new Dictionary<string, string[]>();
        var events = BatchValidation.Each(batch?.Events, "events", MaxEventsPerBatch, errors, (e, itemErrors) => Check(e, times, itemErrors));
        return (events, errors);
    }

    private static SessionEvent Check(SessionEventDto e, EventTimeBounds times, ItemErrors errors)
    {
        if (string.IsNullOrWhiteSpace(e.SessionId))
            errors.Add("session_id", "is required.");
        else if (e.SessionId.Length > MaxSessionIdLength)
            errors.Add("session_id", $"is longer than {MaxSessionIdLength} characters.");
        else if (DisplayNames.TextProblem(e.SessionId) is { } idProblem)
            errors.Add("session_id", idProblem); // a NUL reached PostgreSQL and became a 500

        SessionEventType? type = null;
        if (string.IsNullOrEmpty(e.Type))
            errors.Add("type", $"is required: one of {TypeNames}.");
        else if (Types.TryGetValue(e.Type, out var known))
            type = known;
        else
            errors.Add("type", $"'{e.Type}' is not one of {TypeNames}.");

        DateTime at = default;
        if (string.IsNullOrEmpty(e.At))
            errors.Add("at", "is required: an ISO-8601 instant with an offset, e.g. 2026-11-26T10:00:00Z.");
        else if (!TryParseInstant(e.At, out at))
            errors.Add("at", $"'{e.At}' is not an ISO-8601 instant with an offset (Z or ±hh:mm).");
        else if ((type == SessionEventType.Stats ? times.Within(Quality.StatsStore.KeptDays) : times).Problem(at, e.At) is { } atProblem)
            errors.Add("at", atProblem);

        VideoProvider? provider = null;
        if (e.Provider is not null)
        {
            if (WireNames.TryParseProvider(e.Provider, out var p))
                provider = p;
            else
                errors.Add("provider", $"'{e.Provider}' is not one of {string.Join(", ", WireNames.ProviderNames)}.");
        }

        ConnectionQuality? quality = null;
        if (e.Quality is not null)
        {
            if (WireNames.TryParseQuality(e.Quality, out var q))
                quality = q;
            else
                errors.Add("quality", $"'{e.Quality}' is not one of {string.Join(", ", WireNames.QualityNames)}.");
        }

        var category = e.Category?.Trim();
        if (category is not null && DisplayNames.Problem(category) is { } categoryProblem)
            errors.Add("category", categoryProblem);

        if (type == SessionEventType.Started)
        {
            if (e.Category is null)
                errors.AddIfNone("category", "is required on a started event.");
            if (e.Provider is null)
                errors.AddIfNone("provider", "is required on a started event.");
        }
        if (type == SessionEventType.Quality && e.Quality is null)
            errors.AddIfNone("quality", "is required on a quality event.");
        if (type == SessionEventType.Stats && e.Quality is not null)
            errors.AddIfNone("quality", "is not carried by a stats event: its quality is measured from its figures (send a quality event for a judged one).");
        var stats = type == SessionEventType.Stats ? StatsEventRules.Check(e, errors) : null;
        if (type is not null and not SessionEventType.Stats)
            StatsEventRules.RefuseOnOtherTypes(e, errors);

        return new SessionEvent(e.SessionId!, type.GetValueOrDefault(), at, category, provider, quality, stats);
    }

    public static bool TryParseInstant(string? value, out DateTime utc)
    {
        utc = default;
        if (value is null)
            return false;
        // An instant must say its offset: a bare local time would be read in the server's zone.
        var hasOffset = value.EndsWith('Z') || value.EndsWith('z')
            || (value.Length > 6 && (value[^6] == '+' || value[^6] == '-') && value[^3] == ':');
        if (!hasOffset || value.Length < 20 || value[10] is not ('T' or 't'))
            return false;
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
            return false;
        utc = parsed.UtcDateTime;
        return true;
    }
}
