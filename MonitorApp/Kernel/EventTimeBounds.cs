namespace MonitorApp.Kernel;

/// <summary>
/// The instants an ingested event may carry: not more than <see cref="MaxAhead"/> ahead of the server's clock
/// (a <c>last_seen</c> in 2099 would keep a session active forever) and not older than what is kept.
/// </summary>
public readonly record struct EventTimeBounds(DateTime Oldest, DateTime Latest, int RetentionDays)
{
    /// <summary>How far ahead of this server a sender's clock may run.</summary>
    public static readonly TimeSpan MaxAhead = TimeSpan.FromMinutes(5);

    public static EventTimeBounds At(DateTimeOffset now, int retentionDays) =>
        new(now.UtcDateTime.AddDays(-retentionDays), now.UtcDateTime + MaxAhead, retentionDays);

    /// <summary>These bounds narrowed to <paramref name="days"/> of retention, for what is kept less long than the rest.</summary>
    public EventTimeBounds Within(int days) =>
        days >= RetentionDays ? this : new(Latest - MaxAhead - TimeSpan.FromDays(days), Latest, days);

    /// <summary>Why <paramref name="at"/> (already parsed, UTC) is refused, or null when it is inside the bounds.</summary>
    public string? Problem(DateTime at, string text) =>
        at > Latest ? $"'{text}' is more than {MaxAhead.TotalMinutes:0} minutes ahead of this server's clock ({Format(Latest - MaxAhead)})."
        : at < Oldest ? $"'{text}' is older than the {RetentionDays}-day retention window (the oldest accepted instant is now {Format(Oldest)})."
        : null;

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
