using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>
/// Turns OTLP points into rollup deltas. A delta point counts as it is. A cumulative point counts what it adds to the last
/// point of its stream (<see cref="OtlpStream"/>): the first one of a stream, or one with a later start (the sender
/// restarted), counts whole; one no newer than the last, or with an earlier start, counts nothing (sent twice, or late);
/// one whose counts went down (a reset without a new start) counts whole. Runs inside the rollup write's transaction; on
/// PostgreSQL a transaction lock per stream makes two instances given points of one stream take turns, so each count is
/// added once.
/// </summary>
public static class CumulativeDeltas
{
    public static async Task<IReadOnlyCollection<RollupDelta>> ToDeltasAsync(MonitorDbContext db, IReadOnlyList<OtlpPoint> points, DateTime now, CancellationToken cancellationToken)
    {
        var cells = new Dictionary<(string Service, long Minute), (long Requests, long Errors5xx, long Errors4xx, long[] Buckets)>();
        // Streams in key order, so two writers lock them in the same order (no deadlock).
        foreach (var point in points.OrderBy(p => p.StreamKey, StringComparer.Ordinal).ThenBy(p => p.TimeNanos))
        {
            var counts = point.Cumulative ? await SinceLastAsync(db, point, now, cancellationToken) : point.Buckets;
            var requests = counts.Sum();
            if (requests == 0)
                continue;
            var key = (point.Service, RequestRollup.ToMinute(point.At));
            var cell = cells.TryGetValue(key, out var c) ? c : (0L, 0L, 0L, new long[LatencyHistogram.BucketCount]);
            for (var i = 0; i < counts.Length; i++)
                cell.Item4[i] += counts[i];
            cells[key] = (cell.Item1 + requests,
                cell.Item2 + (point.Status >= 500 ? requests : 0),
                cell.Item3 + (point.Status is >= 400 and < 500 ? requests : 0),
                cell.Item4);
        }
        return cells.Select(c => new RollupDelta(c.Key.Service, c.Key.Minute, c.Value.Requests, c.Value.Errors5xx, c.Value.Errors4xx, c.Value.Buckets)).ToList();
    }

    private static async Task<long[]> SinceLastAsync(MonitorDbContext db, OtlpPoint point, DateTime now, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtextextended({0}, 0))", [point.StreamKey], cancellationToken);
        var stream = await db.Set<OtlpStream>().SingleOrDefaultAsync(s => s.Key == point.StreamKey, cancellationToken);
        var counts = string.Join(",", point.Buckets.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        if (stream is null)
        {
            db.Add(new OtlpStream { Key = point.StreamKey, StartNanos = point.StartNanos, TimeNanos = point.TimeNanos, Counts = counts, UpdatedAt = now });
            await db.SaveChangesAsync(cancellationToken);
            return point.Buckets;
        }
        long[] delta;
        if (point.StartNanos < stream.StartNanos || (point.StartNanos == stream.StartNanos && point.TimeNanos <= stream.TimeNanos))
            return new long[point.Buckets.Length]; // late, or sent twice
        if (point.StartNanos > stream.StartNanos)
        {
            delta = point.Buckets; // the sender restarted: a new count
        }
        else
        {
            var last = stream.Counts.Split(',').Select(c => long.Parse(c, CultureInfo.InvariantCulture)).ToArray();
            delta = point.Buckets.Select((b, i) => b - (i < last.Length ? last[i] : 0)).ToArray();
            if (delta.Any(d => d < 0))
                delta = point.Buckets; // counts went down without a new start: a reset
        }
        stream.StartNanos = point.StartNanos;
        stream.TimeNanos = point.TimeNanos;
        stream.Counts = counts;
        stream.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        return delta;
    }
}
