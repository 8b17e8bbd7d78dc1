using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>What an export's points add to the rollups, and how many points were refused for a stream limit.</summary>
public sealed record OtlpDeltas(IReadOnlyCollection<RollupDelta> Deltas, long Refused, string? Reason);

/// <summary>
/// Turns OTLP points into rollup deltas. A delta point counts as it is. A cumulative point counts what it adds to the last
/// point of its stream (<see cref="OtlpStream"/>): the first one of a stream, or one with a later start (the sender
/// restarted), counts whole; one no newer than the last, or with an earlier start, counts nothing (sent twice, or late);
/// one whose counts went down (a reset without a new start) counts whole. Runs inside the rollup write's transaction. The
/// streams an export names are read in one query and written in one save; on PostgreSQL a transaction lock per service —
/// one of <see cref="LockBuckets"/>, never one per stream (100,000 streams filled the server's lock table) or per service
/// name (an export may name thousands) — makes two instances given points of one service take turns, so each count is
/// added once. New streams are limited per export and per service (<see cref="OtlpOptions"/>).
/// </summary>
public static class CumulativeDeltas
{
    /// <summary>How many transaction locks stream writes are spread over (a service takes one, chosen by its name).</summary>
    public const int LockBuckets = 64;
    private const long LockBase = 0x4F544C50_00000000; // "OTLP", so these keys meet no other advisory lock of the app
    /// <summary>A stream not heard from for this long no longer counts towards <see cref="OtlpOptions.MaxStreamsPerService"/>.</summary>
    public static readonly TimeSpan LiveFor = TimeSpan.FromHours(1);

    private static long LockBucket(string service) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(service))) % LockBuckets;

    public static async Task<OtlpDeltas> ToDeltasAsync(MonitorDbContext db, IReadOnlyList<OtlpPoint> points, DateTime now, OtlpOptions limits,
        CancellationToken cancellationToken)
    {
        var cumulative = points.Where(p => p.Cumulative).ToList();
        var streams = new Dictionary<string, OtlpStream>(StringComparer.Ordinal);
        var refusedStreams = new HashSet<string>(StringComparer.Ordinal);
        string? reason = null;
        if (cumulative.Count > 0)
        {
            if (db.Database.IsNpgsql())
            {
                // One of LockBuckets locks per service, in bucket order (no deadlock): an export naming thousands of services
                // takes at most that many, never one per service or per stream.
                foreach (var bucket in cumulative.Select(p => LockBucket(p.Service)).Distinct().Order())
                    await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock({0})", [LockBase + bucket], cancellationToken);
            }
            var keys = cumulative.Select(p => p.StreamKey).Distinct(StringComparer.Ordinal).ToList();
            foreach (var chunk in keys.Chunk(5_000))
            {
                foreach (var stream in await db.Set<OtlpStream>().Where(s => chunk.Contains(s.Key)).ToListAsync(cancellationToken))
                    streams[stream.Key] = stream;
            }
            var newStreams = cumulative.Where(p => !streams.ContainsKey(p.StreamKey)).GroupBy(p => p.StreamKey, StringComparer.Ordinal).Select(g => g.First()).ToList();
            if (newStreams.Count > 0)
            {
                var newServices = newStreams.Select(p => p.Service).Distinct(StringComparer.Ordinal).ToList();
                // Streams heard from in the last hour: a service's restarts leave streams of old instances behind (their resource
                // attributes differ), which count against nothing once quiet and go with the retention.
                var liveSince = now - LiveFor;
                var kept = await db.Set<OtlpStream>().Where(s => newServices.Contains(s.Service) && s.UpdatedAt >= liveSince).GroupBy(s => s.Service)
                    .Select(g => new { Service = g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Service, g => g.Count, StringComparer.Ordinal, cancellationToken);
                var added = 0;
                foreach (var point in newStreams)
                {
                    var ofService = kept.GetValueOrDefault(point.Service);
                    if (added >= limits.MaxNewStreamsPerExport)
                    {
                        refusedStreams.Add(point.StreamKey);
                        reason ??= $"at most {limits.MaxNewStreamsPerExport} new cumulative streams are started per export ({OtlpOptions.Key(nameof(OtlpOptions.MaxNewStreamsPerExport))}); the rest are taken when sent again";
                        continue;
                    }
                    if (ofService >= limits.MaxStreamsPerService)
                    {
                        refusedStreams.Add(point.StreamKey);
                        reason ??= $"service '{point.Service}' has {limits.MaxStreamsPerService} cumulative streams, the most kept ({OtlpOptions.Key(nameof(OtlpOptions.MaxStreamsPerService))}): fewer attribute combinations, or delta temporality";
                        continue;
                    }
                    kept[point.Service] = ofService + 1;
                    added++;
                    var stream = new OtlpStream { Key = point.StreamKey, Service = point.Service, StartNanos = long.MinValue, TimeNanos = long.MinValue, Counts = "", UpdatedAt = now };
                    streams[stream.Key] = stream;
                    db.Add(stream);
                }
            }
        }

        var cells = new Dictionary<(string Service, long Minute), (long Requests, long Errors5xx, long Errors4xx, long[] Buckets)>();
        long refused = 0;
        foreach (var point in points.OrderBy(p => p.StreamKey, StringComparer.Ordinal).ThenBy(p => p.TimeNanos))
        {
            if (point.Cumulative && refusedStreams.Contains(point.StreamKey))
            {
                refused++;
                continue;
            }
            var counts = point.Cumulative ? SinceLast(streams[point.StreamKey], point, now) : point.Buckets;
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
        if (streams.Count > 0)
            await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return new OtlpDeltas(cells.Select(c => new RollupDelta(c.Key.Service, c.Key.Minute, c.Value.Requests, c.Value.Errors5xx, c.Value.Errors4xx, c.Value.Buckets)).ToList(),
            refused, reason);
    }

    /// <summary>What the point adds to its stream's last point, the stream then holding this point.</summary>
    private static long[] SinceLast(OtlpStream stream, OtlpPoint point, DateTime now)
    {
        var first = stream.Counts.Length == 0;
        if (!first && (point.StartNanos < stream.StartNanos || (point.StartNanos == stream.StartNanos && point.TimeNanos <= stream.TimeNanos)))
            return new long[point.Buckets.Length]; // late, or sent twice
        long[] delta;
        if (first || point.StartNanos > stream.StartNanos)
        {
            delta = point.Buckets; // a new stream, or the sender restarted: a new count
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
        stream.Counts = string.Join(",", point.Buckets.Select(b => b.ToString(CultureInfo.InvariantCulture)));
        stream.UpdatedAt = now;
        return delta;
    }
}
