namespace MonitorApp.Kernel;

/// <summary>
/// UTC minutes and hours since the Unix epoch: what "per minute" and "per hour" mean in every table, as
/// integers both databases group and compare in SQL. Computed from whole ticks, never floating point, so
/// an instant a tick before the hour stays in that hour, as the databases' own comparisons put it.
/// </summary>
public static class TimeBuckets
{
    public static long Minute(DateTime utc) => FloorDiv(utc.Ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerMinute);

    public static long Hour(DateTime utc) => FloorDiv(utc.Ticks - DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerHour);

    public static long HourOfMinute(long minute) => FloorDiv(minute, 60);

    public static DateTime MinuteStart(long minute) => DateTime.UnixEpoch.AddMinutes(minute);

    public static DateTime HourStart(long hour) => DateTime.UnixEpoch.AddHours(hour);

    private static long FloorDiv(long value, long divisor) => value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor);
}
