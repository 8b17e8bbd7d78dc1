using MonitorApp.Sessions;

namespace MonitorApp.Quality;

/// <summary>What cost a measurement window the most of its R factor.</summary>
public enum MosReason { Loss, Delay, Jitter }

/// <summary>One window's mean opinion score, the level it falls in, and what cost it the most.</summary>
public readonly record struct MosScore(double Mos, ConnectionQuality Level, MosReason Reason);

/// <summary>
/// The mean opinion score of a measurement window from the simplified ITU-T G.107 E-model:
/// effective delay d = rtt + 2·jitter + 10 ms; R = 94.768 − d/40 when d &lt; 160, else 94.768 − (d − 120)/10;
/// R −= 2.5 × loss %; R clamped to 0–100; MOS = 1 + 0.035·R + 7·10⁻⁶·R·(R − 60)·(100 − R).
/// Levels: excellent above 4.0, good above 3.6, fair from 3.0, poor below 3.0.
/// </summary>
public static class Mos
{
    public const double Excellent = 4.0;
    public const double Good = 3.6;
    public const double Fair = 3.0;

    /// <summary>What a poor window is, in words: "MOS below 3.0".</summary>
    public static readonly string PoorMeans = "MOS below " + Fair.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture);

    public static MosScore Score(double rttMs, double jitterMs, double lossPercent)
    {
        var withoutJitter = DelayCost(rttMs + 10);
        var delayCost = DelayCost(rttMs + 2 * jitterMs + 10);
        var lossCost = 2.5 * lossPercent;
        var r = Math.Clamp(94.768 - delayCost - lossCost, 0, 100);
        var mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r);

        // The delay term is split in two: what the round trip alone costs, and what the jitter adds on top of it.
        var jitterCost = delayCost - withoutJitter;
        var reason = lossCost >= withoutJitter && lossCost >= jitterCost ? MosReason.Loss
            : withoutJitter >= jitterCost ? MosReason.Delay
            : MosReason.Jitter;
        return new MosScore(mos, LevelOf(mos), reason);
    }

    public static ConnectionQuality LevelOf(double mos) => mos switch
    {
        > Excellent => ConnectionQuality.Excellent,
        > Good => ConnectionQuality.Good,
        >= Fair => ConnectionQuality.Fair,
        _ => ConnectionQuality.Poor,
    };

    /// <summary>The simplified model's delay impairment for its effective delay <paramref name="d"/> (round trip + 2·jitter + 10 ms, as the issue defines it).</summary>
    private static double DelayCost(double d) => d < 160 ? d / 40 : (d - 120) / 10;

    public static string Name(this MosReason reason) => reason switch
    {
        MosReason.Loss => "loss",
        MosReason.Delay => "delay",
        _ => "jitter",
    };
}
