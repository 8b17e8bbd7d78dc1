using MonitorApp.Quality;
using MonitorApp.Sessions;

namespace MonitorApp.Tests.Quality;

/// <summary>The simplified E-model, against values worked by hand (to 6 decimals) and every band edge.</summary>
public sealed class MosTests
{
    [SkippableTheory]
    // The issue's worked values.
    [InlineData(100, 10, 1, 4.314205, ConnectionQuality.Excellent, MosReason.Delay)]
    [InlineData(300, 40, 3, 3.113872, ConnectionQuality.Fair, MosReason.Delay)]
    [InlineData(400, 60, 8, 1.771201, ConnectionQuality.Poor, MosReason.Delay)]
    // A perfect path still has the 10 ms of the model: R = 94.518.
    [InlineData(0, 0, 0, 4.433328, ConnectionQuality.Excellent, MosReason.Delay)]
    // d = 160 exactly takes the second branch, which meets the first there: 160/40 = (160 − 120)/10.
    [InlineData(150, 0, 0, 4.357359, ConnectionQuality.Excellent, MosReason.Delay)]
    // R clamped at 0: MOS 1.
    [InlineData(0, 0, 100, 1.0, ConnectionQuality.Poor, MosReason.Loss)]
    // Jitter counted twice in the delay: here it costs more than the round trip.
    [InlineData(30, 100, 0, 4.124191, ConnectionQuality.Excellent, MosReason.Jitter)]
    // 6 % loss costs 15 R, more than the delay.
    [InlineData(50, 10, 6, 3.936918, ConnectionQuality.Good, MosReason.Loss)]
    public void Score_IsTheEModelsMos_ItsLevel_AndWhatCostTheMost(double rtt, double jitter, double loss, double mos, ConnectionQuality level, MosReason reason)
    {
        var score = Mos.Score(rtt, jitter, loss);
        Assert.Equal(mos, score.Mos, 6);
        Assert.Equal(level, score.Level);
        Assert.Equal(reason, score.Reason);
    }

    [SkippableTheory]
    [InlineData(4.0, ConnectionQuality.Good)] // excellent is above 4.0
    [InlineData(3.6, ConnectionQuality.Fair)] // good is above 3.6
    [InlineData(3.0, ConnectionQuality.Fair)] // fair from 3.0
    [InlineData(1.0, ConnectionQuality.Poor)]
    public void Levels_HaveTheirEdgesWhereTheIssueDrawsThem(double edge, ConnectionQuality atEdge)
    {
        Assert.Equal(atEdge, Mos.LevelOf(edge));
        var above = Mos.LevelOf(Math.BitIncrement(edge));
        var below = Mos.LevelOf(Math.BitDecrement(edge));
        switch (edge)
        {
            case 4.0: Assert.Equal(ConnectionQuality.Excellent, above); break;
            case 3.6: Assert.Equal(ConnectionQuality.Good, above); break;
            case 3.0: Assert.Equal(ConnectionQuality.Poor, below); break;
        }
    }

    [SkippableTheory]
    [InlineData(2.95, 29)]
    [InlineData(3.0, 30)]
    [InlineData(4.43, 44)]
    [InlineData(1.0, 10)]
    public void Bins_AreATenthWide_AndAPoorWindowStaysInAPoorBin(double mos, int bin)
    {
        Assert.Equal(bin, QualityBin.BinOf(mos));
        Assert.Equal(29, QualityBin.BinOf(Math.BitDecrement(3.0)));
    }
}
