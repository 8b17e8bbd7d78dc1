using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>
/// Reads request rollups back as totals per window: the sums are computed by the database (GROUP BY),
/// one row per minute or hour, however many services and rows there are.
/// </summary>
public static class RollupReader
{
    /// <summary>All services' requests in the 60 minutes up to and including <paramref name="nowMinute"/>.</summary>
    public static async Task<RollupTotals> LastHourAsync(MonitorDbContext db, long nowMinute, CancellationToken ct)
    {
        var fromMinute = nowMinute - 59;
        var byMinute = await db.RequestRollups.AsNoTracking()
            .Where(r => r.Minute >= fromMinute && r.Minute <= nowMinute)
            .GroupBy(r => r.Minute)
            .Select(SumBuckets<RequestRollup>())
            .ToListAsync(ct);
        return RollupTotals.Of(byMinute);
    }

    /// <summary>Totals per hour (hours since the epoch) of the last <paramref name="hours"/> hours; hours without requests are absent.</summary>
    public static async Task<Dictionary<long, RollupTotals>> HourlyAsync(MonitorDbContext db, long nowMinute, int hours, CancellationToken ct)
    {
        var nowHour = RequestRollup.HourOf(nowMinute);
        var fromHour = nowHour - hours + 1;
        var rows = await db.RequestRollupHours.AsNoTracking()
            .Where(r => r.Hour >= fromHour && r.Hour <= nowHour)
            .GroupBy(r => r.Hour)
            .Select(SumBuckets<RequestRollupHour>())
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => RollupTotals.Of([r]));
    }

    /// <summary>
    /// <c>g => new RollupSums { Key, Requests = Σ requests, Errors5xx = Σ errors_5xx, Buckets = [Σ le5, …, Σ le_inf] }</c>,
    /// built from <see cref="LatencyBucket.All"/> so a bucket is never missed.
    /// </summary>
    private static Expression<Func<IGrouping<long, T>, RollupSums>> SumBuckets<T>() => SumBucketsOf<T>.Expression;

    private static class SumBucketsOf<T>
    {
        public static readonly Expression<Func<IGrouping<long, T>, RollupSums>> Expression = BuildSumBuckets<T>();
    }

    private static Expression<Func<IGrouping<long, T>, RollupSums>> BuildSumBuckets<T>()
    {
        var group = Expression.Parameter(typeof(IGrouping<long, T>), "g");
        var sumMethod = typeof(Enumerable).GetMethods()
            .Single(m => m.Name == nameof(Enumerable.Sum) && m.IsGenericMethodDefinition && m.GetParameters() is [_, var selector]
                         && selector.ParameterType == typeof(Func<,>).MakeGenericType(m.GetGenericArguments()[0], typeof(long)))
            .MakeGenericMethod(typeof(T));

        Expression Sum(string property)
        {
            var row = Expression.Parameter(typeof(T), "r");
            var column = Expression.Call(typeof(EF), nameof(EF.Property), [typeof(long)], Expression.Convert(row, typeof(object)), Expression.Constant(property));
            return Expression.Call(sumMethod, group, Expression.Lambda<Func<T, long>>(column, row));
        }

        var body = Expression.MemberInit(Expression.New(typeof(RollupSums)),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Key))!, Expression.Property(group, nameof(IGrouping<long, T>.Key))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Requests))!, Sum(nameof(RequestRollup.Requests))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Errors5xx))!, Sum(nameof(RequestRollup.Errors5xx))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Buckets))!, Expression.NewArrayInit(typeof(long),
                LatencyBucket.All.Select(b => Sum(b.Property)))));
        return Expression.Lambda<Func<IGrouping<long, T>, RollupSums>>(body, group);
    }
}

/// <summary>Summed counters of a group of rollup rows (one minute or one hour), as the database returns them.</summary>
public sealed class RollupSums
{
    public long Key { get; init; }
    public long Requests { get; init; }
    public long Errors5xx { get; init; }
    /// <summary>In <see cref="LatencyBucket.All"/> order.</summary>
    public long[] Buckets { get; init; } = [];
}
