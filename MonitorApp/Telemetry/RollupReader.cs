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
    /// Totals per service over a window: <c>1h</c> the 60 minutes up to <paramref name="nowMinute"/> (as the headline error
    /// rate), <c>24h</c> the 24 hours up to the current one (as the hourly chart). One GROUP BY over at most a day of rows.
    /// </summary>
    public static async Task<Dictionary<string, RollupTotals>> ByServiceAsync(MonitorDbContext db, long nowMinute, bool lastDay, CancellationToken ct)
    {
        List<RollupSums> rows;
        if (lastDay)
        {
            var nowHour = RequestRollup.HourOf(nowMinute);
            rows = await db.RequestRollupHours.AsNoTracking()
                .Where(r => r.Hour > nowHour - 24 && r.Hour <= nowHour)
                .GroupBy(r => r.Service)
                .Select(SumBuckets<RequestRollupHour, string>())
                .ToListAsync(ct);
        }
        else
        {
            rows = await db.RequestRollups.AsNoTracking()
                .Where(r => r.Minute >= nowMinute - 59 && r.Minute <= nowMinute)
                .GroupBy(r => r.Service)
                .Select(SumBuckets<RequestRollup, string>())
                .ToListAsync(ct);
        }
        return rows.ToDictionary(r => r.Service!, r => RollupTotals.Of([r]), StringComparer.Ordinal);
    }

    /// <summary>One service's totals per hour from <paramref name="fromHour"/> to <paramref name="toHour"/>; hours without requests are absent.</summary>
    public static async Task<Dictionary<long, RollupTotals>> HourlyForServiceAsync(MonitorDbContext db, string service, long fromHour, long toHour, CancellationToken ct)
    {
        var rows = await db.RequestRollupHours.AsNoTracking()
            .Where(r => r.Service == service && r.Hour >= fromHour && r.Hour <= toHour)
            .GroupBy(r => r.Hour)
            .Select(SumBuckets<RequestRollupHour>())
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => RollupTotals.Of([r]));
    }

    /// <summary>
    /// <c>g => new RollupSums { Key (or Service), Requests = Σ requests, Errors5xx = Σ errors_5xx, Buckets = [Σ le5, …, Σ le_inf] }</c>,
    /// built from <see cref="LatencyBucket.All"/> so a bucket is never missed.
    /// </summary>
    private static Expression<Func<IGrouping<long, T>, RollupSums>> SumBuckets<T>() => SumBucketsOf<T, long>.Expression;

    private static Expression<Func<IGrouping<TKey, T>, RollupSums>> SumBuckets<T, TKey>() => SumBucketsOf<T, TKey>.Expression;

    private static class SumBucketsOf<T, TKey>
    {
        public static readonly Expression<Func<IGrouping<TKey, T>, RollupSums>> Expression = BuildSumBuckets<T, TKey>();
    }

    private static Expression<Func<IGrouping<TKey, T>, RollupSums>> BuildSumBuckets<T, TKey>()
    {
        var group = Expression.Parameter(typeof(IGrouping<TKey, T>), "g");
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

        // A group's key is a time (minute or hour) or a service name.
        var keyProperty = typeof(TKey) == typeof(string) ? nameof(RollupSums.Service) : nameof(RollupSums.Key);
        var body = Expression.MemberInit(Expression.New(typeof(RollupSums)),
            Expression.Bind(typeof(RollupSums).GetProperty(keyProperty)!, Expression.Property(group, nameof(IGrouping<TKey, T>.Key))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Requests))!, Sum(nameof(RequestRollup.Requests))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Errors5xx))!, Sum(nameof(RequestRollup.Errors5xx))),
            Expression.Bind(typeof(RollupSums).GetProperty(nameof(RollupSums.Buckets))!, Expression.NewArrayInit(typeof(long),
                LatencyBucket.All.Select(b => Sum(b.Property)))));
        return Expression.Lambda<Func<IGrouping<TKey, T>, RollupSums>>(body, group);
    }
}

/// <summary>Summed counters of a group of rollup rows (one minute, one hour, or one service), as the database returns them.</summary>
public sealed class RollupSums
{
    public long Key { get; init; }
    public string? Service { get; init; }
    public long Requests { get; init; }
    public long Errors5xx { get; init; }
    /// <summary>In <see cref="LatencyBucket.All"/> order.</summary>
    public long[] Buckets { get; init; } = [];
}
