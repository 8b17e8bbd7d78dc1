using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;
using Npgsql;

namespace MonitorApp.Quality;

/// <summary>
/// A batch's stats windows, inside the session ingestion's transaction (the sessions' rows are held, so two batches never
/// measure one session at once). Each window is scored once (<see cref="Mos"/>) and added to its provider's minute and hour
/// bins; the ingestion judges each session's quality from the windows this returns.
/// </summary>
public static class StatsStore
{
    /// <summary>
    /// How long the raw windows (and the minute bins) are kept: a session's quality needs its last minute, and a window sent
    /// again is recognised by its raw row, so older stats events are refused (they could not be told from a resend).
    /// </summary>
    public const int KeptDays = 2;

    /// <summary>A session's quality is the worst window of this last stretch of its stats.</summary>
    public static readonly TimeSpan QualityWindow = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Scores the batch's new windows (those not stored already: a batch sent again counts once); returns the windows to write
    /// once the sessions are written, and each measured session's windows (stored and new) from a
    /// <see cref="QualityWindow"/> before the batch's oldest, by which the caller judges its quality.
    /// </summary>
    public static async Task<(List<SessionStatsRow> Added, ILookup<string, (DateTime At, double Mos)> Windows)> MeasureAsync(
        MonitorDbContext db, IReadOnlyList<(string SessionId, DateTime At, WindowStats Stats)> windows, CancellationToken cancellationToken)
    {
        // Stored to the millisecond, so a window sent again is recognised whatever precision each database keeps.
        var batch = windows.Select(e => (e.SessionId, At: ToMillisecond(e.At), e.Stats)).ToList();
        if (batch.Count == 0)
            return ([], Array.Empty<(string, DateTime, double)>().ToLookup(w => w.Item1, w => (w.Item2, w.Item3)));

        var ids = batch.Select(e => e.SessionId).Distinct().ToList();
        var from = batch.Min(e => e.At) - QualityWindow;
        var stored = await db.SessionStats.AsNoTracking()
            .Where(s => ids.Contains(s.SessionId) && s.At > from)
            .Select(s => new { s.SessionId, s.At, s.Direction, s.Kind, s.Mos })
            .ToListAsync(cancellationToken);

        var seen = stored.Select(s => (s.SessionId, s.At, s.Direction, s.Kind)).ToHashSet();
        var added = new List<SessionStatsRow>();
        foreach (var (sessionId, at, stats) in batch)
        {
            if (!seen.Add((sessionId, at, stats.Direction, stats.Kind)))
                continue;
            var score = stats.Score;
            added.Add(new SessionStatsRow
            {
                SessionId = sessionId, At = at, Direction = stats.Direction, Kind = stats.Kind, WindowSeconds = stats.WindowSeconds,
                PacketLossPct = stats.PacketLossPct, RttMs = stats.RttMs, JitterMs = stats.JitterMs, BitrateKbps = stats.BitrateKbps,
                ExpectedBitrateKbps = stats.ExpectedBitrateKbps, Fps = stats.Fps, FreezeCount = stats.FreezeCount, Relay = stats.Relay,
                ProviderLevel = stats.ProviderLevel, Mos = score.Mos, Reason = score.Reason.Name(),
            });
        }
        var known = stored.Select(s => (s.SessionId, s.At, s.Mos)).Concat(added.Select(a => (a.SessionId, a.At, a.Mos)))
            .ToLookup(w => w.SessionId, w => (w.At, w.Mos));
        return (added, known);
    }

    public static DateTime ToMillisecond(DateTime at) => new(at.Ticks - at.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);

    /// <summary>Writes the new windows and adds them to their provider's minute and hour bins (in key order: no deadlock).</summary>
    public static async Task WriteAsync(MonitorDbContext db, List<SessionStatsRow> added, Func<string, string> providerOf,
        CancellationToken cancellationToken)
    {
        if (added.Count == 0)
            return;
        db.SessionStats.AddRange(added);
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();

        var bins = added
            .SelectMany(w => new[] { QualityBin.Minute, QualityBin.Hour }.Select(width =>
            {
                var minute = TimeBuckets.Minute(w.At);
                return (Key: (Width: width, Start: minute - minute % width, Provider: providerOf(w.SessionId), w.Direction, Bin: QualityBin.BinOf(w.Mos)), Window: w);
            }))
            .GroupBy(b => b.Key)
            .OrderBy(g => g.Key)
            .Select(g => new QualityBin
            {
                WidthMinutes = g.Key.Width, StartMinute = g.Key.Start, Provider = g.Key.Provider, Direction = g.Key.Direction, Bin = g.Key.Bin,
                Windows = g.Count(), Relayed = g.Count(b => b.Window.Relay == true), RelayUnreported = g.Count(b => b.Window.Relay is null),
                Loss = g.Count(b => b.Window.Reason == MosReason.Loss.Name()), Delay = g.Count(b => b.Window.Reason == MosReason.Delay.Name()),
                Jitter = g.Count(b => b.Window.Reason == MosReason.Jitter.Name()),
            })
            .ToList();
        await AddBinsAsync(db, bins, cancellationToken);
    }

    private const string Columns = "width_minutes, start_minute, provider, direction, bin, windows, relayed, relay_unreported, loss, delay, jitter";

    private const string Upsert = $"INSERT INTO quality_bins ({Columns}) {{0}} " +
        "ON CONFLICT (width_minutes, start_minute, provider, direction, bin) DO UPDATE SET " +
        "windows = quality_bins.windows + excluded.windows, relayed = quality_bins.relayed + excluded.relayed, " +
        "relay_unreported = quality_bins.relay_unreported + excluded.relay_unreported, " +
        "loss = quality_bins.loss + excluded.loss, delay = quality_bins.delay + excluded.delay, jitter = quality_bins.jitter + excluded.jitter";

    private static async Task AddBinsAsync(MonitorDbContext db, List<QualityBin> bins, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlRawAsync(string.Format(Upsert, "SELECT * FROM unnest(@w, @s, @p, @d, @b, @n, @r, @u, @l, @y, @j) ORDER BY 1, 2, 3, 4, 5"),
            [
                new NpgsqlParameter<int[]>("w", bins.Select(b => b.WidthMinutes).ToArray()),
                new NpgsqlParameter<long[]>("s", bins.Select(b => b.StartMinute).ToArray()),
                new NpgsqlParameter<string[]>("p", bins.Select(b => b.Provider).ToArray()),
                new NpgsqlParameter<string[]>("d", bins.Select(b => b.Direction).ToArray()),
                new NpgsqlParameter<int[]>("b", bins.Select(b => b.Bin).ToArray()),
                new NpgsqlParameter<long[]>("n", bins.Select(b => b.Windows).ToArray()),
                new NpgsqlParameter<long[]>("r", bins.Select(b => b.Relayed).ToArray()),
                new NpgsqlParameter<long[]>("u", bins.Select(b => b.RelayUnreported).ToArray()),
                new NpgsqlParameter<long[]>("l", bins.Select(b => b.Loss).ToArray()),
                new NpgsqlParameter<long[]>("y", bins.Select(b => b.Delay).ToArray()),
                new NpgsqlParameter<long[]>("j", bins.Select(b => b.Jitter).ToArray()),
            ], cancellationToken);
            return;
        }
        foreach (var b in bins)
        {
            await db.Database.ExecuteSqlRawAsync(string.Format(Upsert, "VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}, {9}, {10})"),
                [b.WidthMinutes, b.StartMinute, b.Provider, b.Direction, b.Bin, b.Windows, b.Relayed, b.RelayUnreported, b.Loss, b.Delay, b.Jitter], cancellationToken);
        }
    }
}
