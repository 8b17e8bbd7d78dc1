using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.ExternalServices;

/// <summary>
/// One half hour of a provider's last 24 hours: its worst status over the checks in it (none: no check), how many
/// checks, their worst and average latency among those answered, and how many got no answer at all.
/// </summary>
public sealed record HistorySegment(DateTime From, DateTime To, string Status, int Checks, int? WorstLatencyMs, int? AverageLatencyMs, int Unanswered = 0);

/// <summary>One UTC day of the last 30: uptime by Statuspage's rule (null: no check with a known status that day).</summary>
public sealed record UptimeDay(DateTime Day, double? UptimePercent, int Checks, int DownChecks);

/// <summary>What the providers card draws under each provider: the last 24 hours in half hours, and the last 30 days.</summary>
public sealed record ServiceHistory(
    [property: System.Text.Json.Serialization.JsonPropertyName("last_24h")] IReadOnlyList<HistorySegment> Last24h,
    [property: System.Text.Json.Serialization.JsonPropertyName("last_30_days")] IReadOnlyList<UptimeDay> Last30Days)
{
    public const int Segments = 48;
    public static readonly TimeSpan SegmentLength = TimeSpan.FromMinutes(30);
    public const int Days = MetricsWindows.LongestDays;

    /// <summary>What a half hour without a check says.</summary>
    public const string NoChecks = "none";

    /// <summary>The first of the 48 half hours, the last being the one <paramref name="now"/> is in.</summary>
    public static DateTime Start(DateTime now) =>
        new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute < 30 ? 0 : 30, 0, DateTimeKind.Utc) - SegmentLength * (Segments - 1);

    /// <summary>
    /// Every configured service's history, grouped by the database: per service and half hour, and per service and day
    /// (a few hundred small rows, read once a probe round like the uptime counts).
    /// </summary>
    public static async Task<Dictionary<string, ServiceHistory>> ReadAsync(MonitorDbContext db, IEnumerable<string> services, DateTime now, CancellationToken ct)
    {
        const string down = ServiceStatus.Down, degraded = ServiceStatus.Degraded, up = ServiceStatus.Operational, unknown = ServiceStatus.Unknown;
        var start = Start(now);
        var halves = await db.ServiceChecks.AsNoTracking()
            .Where(c => c.CheckedAt >= start && c.CheckedAt <= now)
            .GroupBy(c => new { c.Service, c.CheckedAt.Date, c.CheckedAt.Hour, Half = c.CheckedAt.Minute / 30 })
            .Select(g => new
            {
                g.Key.Service, g.Key.Date, g.Key.Hour, g.Key.Half,
                Checks = g.Count(),
                Down = g.Count(c => c.Status == down),
                Degraded = g.Count(c => c.Status == degraded),
                Up = g.Count(c => c.Status == up),
                Worst = g.Max(c => c.LatencyMs),
                Unanswered = g.Count(c => c.LatencyMs == null),
                Average = g.Average(c => (double?)c.LatencyMs),
            })
            .ToListAsync(ct);

        var firstDay = now.Date.AddDays(-(Days - 1));
        var days = await db.ServiceChecks.AsNoTracking()
            .Where(c => c.CheckedAt >= firstDay && c.CheckedAt <= now && c.Status != unknown)
            .GroupBy(c => new { c.Service, c.CheckedAt.Date })
            .Select(g => new { g.Key.Service, g.Key.Date, All = g.Count(), Up = g.Count(c => c.Status == up), Half = g.Count(c => c.Status == degraded), Down = g.Count(c => c.Status == down) })
            .ToListAsync(ct);

        var result = new Dictionary<string, ServiceHistory>();
        foreach (var service in services)
        {
            var byHalf = halves.Where(h => h.Service == service)
                .ToDictionary(h => DateTime.SpecifyKind(h.Date, DateTimeKind.Utc).AddHours(h.Hour).AddMinutes(h.Half * 30));
            var segments = Enumerable.Range(0, Segments).Select(i =>
            {
                var from = start + SegmentLength * i;
                if (!byHalf.TryGetValue(from, out var h))
                    return new HistorySegment(from, from + SegmentLength, NoChecks, 0, null, null);
                var status = h.Down > 0 ? down : h.Degraded > 0 ? degraded : h.Up > 0 ? up : unknown;
                return new HistorySegment(from, from + SegmentLength, status, h.Checks, h.Worst, h.Average is { } a ? (int)Math.Round(a) : null, h.Unanswered);
            }).ToList();
            var byDay = days.Where(d => d.Service == service).ToDictionary(d => DateTime.SpecifyKind(d.Date, DateTimeKind.Utc));
            var uptime = Enumerable.Range(0, Days).Select(i =>
            {
                var day = firstDay.AddDays(i);
                return byDay.TryGetValue(day, out var d)
                    ? new UptimeDay(day, Math.Round((d.Up + d.Half / 2.0) * 100 / d.All, 2), d.All, d.Down)
                    : new UptimeDay(day, null, 0, 0);
            }).ToList();
            result[service] = new ServiceHistory(segments, uptime);
        }
        return result;
    }
}
