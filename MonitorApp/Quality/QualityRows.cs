using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MonitorApp.Sessions;

namespace MonitorApp.Quality;

/// <summary>
/// One stored <c>stats</c> event: the window as given, its MOS and what cost the most. A session's quality is read from
/// its last minute of these; a window sent twice (same session, time, direction and kind) is stored and counted once.
/// </summary>
public sealed class SessionStatsRow
{
    public long Id { get; set; }
    public required string SessionId { get; init; }
    public DateTime At { get; init; }
    public required string Direction { get; init; }
    public required string Kind { get; init; }
    public int WindowSeconds { get; init; }
    public double PacketLossPct { get; init; }
    public double RttMs { get; init; }
    public double JitterMs { get; init; }
    public double? BitrateKbps { get; init; }
    public double? ExpectedBitrateKbps { get; init; }
    public double? Fps { get; init; }
    public int? FreezeCount { get; init; }
    public bool? Relay { get; init; }
    public string? ProviderLevel { get; init; }
    public double Mos { get; init; }
    public required string Reason { get; init; }
}

/// <summary>
/// Measurement windows of one provider and direction whose MOS fell in one bin 0.1 wide (<see cref="Bin"/> = ⌊MOS × 10⌋),
/// per minute (<see cref="WidthMinutes"/> 1) and per hour (60), with how many went through a relay (and how many did not say) and what cost each the
/// most: the per-provider figures read a bounded number of these rows whatever the number of windows.
/// </summary>
public sealed class QualityBin
{
    public const int Minute = 1;
    public const int Hour = 60;

    /// <summary>The longest window the per-provider figures show: hour bins are kept that long.</summary>
    public const MetricsWindow LongestWindow = MetricsWindow.Week;

    public int WidthMinutes { get; set; }
    /// <summary>The first minute of the bucket, in minutes since the Unix epoch (UTC).</summary>
    public long StartMinute { get; set; }
    public required string Provider { get; set; }
    public required string Direction { get; set; }
    public int Bin { get; set; }
    public long Windows { get; set; }
    public long Relayed { get; set; }
    /// <summary>Windows that did not say whether they went through a relay (the field is optional): not counted either way.</summary>
    public long RelayUnreported { get; set; }
    public long Loss { get; set; }
    public long Delay { get; set; }
    public long Jitter { get; set; }

    /// <summary>The first bin of fair windows: the bins below it hold the poor ones (MOS &lt; 3.0), exactly.</summary>
    public const int FirstFairBin = (int)(Mos.Fair * 10);

    /// <summary>The level of a bin given by its lower edge (as the figures give medians): the level of its middle.</summary>
    public static ConnectionQuality LevelOfBin(double lowerEdge) => Mos.LevelOf(lowerEdge + 0.05);

    /// <summary>⌊MOS × 10⌋, a poor window never rounded up into the fair bins.</summary>
    public static int BinOf(double mos)
    {
        var bin = (int)Math.Floor(mos * 10);
        return mos < Mos.Fair ? Math.Min(bin, FirstFairBin - 1) : Math.Max(bin, FirstFairBin);
    }
}

internal sealed class SessionStatsRowConfiguration : IEntityTypeConfiguration<SessionStatsRow>
{
    public void Configure(EntityTypeBuilder<SessionStatsRow> builder)
    {
        builder.ToTable("session_stats");
        builder.Property(s => s.SessionId).HasMaxLength(SessionEventRules.MaxSessionIdLength);
        builder.Property(s => s.Direction).HasMaxLength(8);
        builder.Property(s => s.Kind).HasMaxLength(8);
        builder.Property(s => s.ProviderLevel).HasMaxLength(WindowStatsRules.MaxProviderLevelLength);
        builder.Property(s => s.Reason).HasMaxLength(8);
        builder.HasIndex(s => new { s.SessionId, s.At, s.Direction, s.Kind }).IsUnique();
        builder.HasIndex(s => s.At); // retention deletes by age
    }
}

internal sealed class QualityBinConfiguration : IEntityTypeConfiguration<QualityBin>
{
    public void Configure(EntityTypeBuilder<QualityBin> builder)
    {
        builder.ToTable("quality_bins");
        builder.HasKey(b => new { b.WidthMinutes, b.StartMinute, b.Provider, b.Direction, b.Bin });
        builder.Property(b => b.Provider).HasMaxLength(32);
        builder.Property(b => b.Direction).HasMaxLength(8);
    }
}
