namespace MonitorApp.Quality;

/// <summary>
/// One measurement window of one session's media, as the platform reads it from WebRTC's <c>getStats()</c> or its
/// provider's SDK (a <c>stats</c> event). <see cref="Direction"/> is <c>send</c> or <c>receive</c>, <see cref="Kind"/>
/// <c>audio</c> or <c>video</c>; <see cref="ProviderLevel"/> is the provider SDK's own word, kept as given.
/// </summary>
public sealed record WindowStats(
    string Direction,
    string Kind,
    int WindowSeconds,
    double PacketLossPct,
    double RttMs,
    double JitterMs,
    double? BitrateKbps,
    double? ExpectedBitrateKbps,
    double? Fps,
    int? FreezeCount,
    bool? Relay,
    string? ProviderLevel)
{
    public MosScore Score => Mos.Score(RttMs, JitterMs, PacketLossPct);
}
