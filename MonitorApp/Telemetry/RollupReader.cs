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
    /// <summary>
    /// Totals per hour (hours since the epoch) of the last <paramref name="hours"/> hours, of every service or of
    /// <paramref name="service"/> alone; hours without requests are absent.
    /// </summary>
    public static async Task<Dictionary<long, RollupTotals>> HourlyAsync(MonitorDbContext db, long nowMinute, int hours, string? service, CancellationToken ct)
    {
        var window = LastHours(db, nowMinute, hours);
        if (service is not null)
            window = window.Where(r => r.Service == service);
        var rows = await window
            .GroupBy(r => r.Hour)
            .Select(SumBuckets<RequestRollupHour>())
            .ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => RollupTotals.Of([r]));
    }

    /// <summary>
    /// Totals per service over a window: <c>1h</c> the 60 minutes up to <paramref name="nowMinute"/> (as the headline error
    /// rate: its sum), <c>24h</c> the 24 hours up to the current one (as the hourly chart). One GROUP BY over at most a day of rows.
    /// </summary>
    public static async Task<Dictionary<string, RollupTotals>> ByServiceAsync(MonitorDbContext db, long nowMinute, bool lastDay, CancellationToken ct)
    {
        var rows = lastDay
            ? await LastHours(db, nowMinute, 24).GroupBy(r => r.Service).Select(SumBuckets<RequestRollupHour, string>()).ToListAsync(ct)
            : await LastHour(db, nowMinute).GroupBy(r => r.Service).Select(SumBuckets<RequestRollup, string>()).ToListAsync(ct);
        return rows.ToDictionary(r => r.Key, r => RollupTotals.Of([r]), StringComparer.Ordinal);
    }

    /// <summary>The per-minute rows of the 60 minutes up to and including <paramref name="nowMinute"/>.</summary>
    private static IQueryable<RequestRollup> LastHour(MonitorDbContext db, long nowMinute) =>
        db.RequestRollups.AsNoTracking().Where(r => r.Minute > nowMinute - 60 && r.Minute <= nowMinute);

    /// <summary>The hourly rows of the last <paramref name="hours"/> hours, the one holding <paramref name="nowMinute"/> included.</summary>
    private static IQueryable<RequestRollupHour> LastHours(MonitorDbContext db, long nowMinute, int hours)
    {
        var nowHour = RequestRollup.HourOf(nowMinute);
        return db.RequestRollupHours.AsNoTracking().Where(r => r.Hour > nowHour - hours && r.Hour <= nowHour);
    }

    /// <summary>
    /// <c>g => new RollupSums&lt;TKey&gt; { Key, Requests = Σ requests, Errors5xx = Σ errors_5xx, Buckets = [Σ le5, …, Σ le_inf] }</c>,
    /// built from <see cref="LatencyBucket.All"/> so a bucket is never missed.
    /// </summary>
    private static Expression<Func<IGrouping<long, T>, RollupSums<long>>> SumBuckets<T>() => SumBucketsOf<T, long>.Expression;

    private static Expression<Func<IGrouping<TKey, T>, RollupSums<TKey>>> SumBuckets<T, TKey>() => SumBucketsOf<T, TKey>.Expression;

    private static class SumBucketsOf<T, TKey>
    {
        public static readonly Expression<Func<IGrouping<TKey, T>, RollupSums<TKey>>> Expression = BuildSumBuckets<T, TKey>();
    }

    private static Expression<Func<IGrouping<TKey, T>, RollupSums<TKey>>> BuildSumBuckets<T, TKey>()
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

        var sums = typeof(RollupSums<TKey>);
        var body = Expression.MemberInit(Expression.New(sums),
            Expression.Bind(sums.GetProperty(nameof(RollupSums<TKey>.Key))!, Expression.Property(group, nameof(IGrouping<TKey, T>.Key))),
            Expression.Bind(sums.GetProperty(nameof(RollupSums.Requests))!, Sum(nameof(RequestRollup.Requests))),
            Expression.Bind(sums.GetProperty(nameof(RollupSums.Errors5xx))!, Sum(nameof(RequestRollup.Errors5xx))),
            Expression.Bind(sums.GetProperty(nameof(RollupSums.Buckets))!, Expression.NewArrayInit(typeof(long),
                LatencyBucket.All.Select(b => Sum(b.Property)))));
        return Expression.Lambda<Func<IGrouping<TKey, T>, RollupSums<TKey>>>(body, group);
    }
}

/// <summary>Summed counters of a group of rollup rows, as the database returns them.</summary>
public class RollupSums
{
    public long Requests { get; init; }
    public long Errors5xx { get; init; }
    /// <summary>In <see cref="LatencyBucket.All"/> order.</summary>
    public long[] Buckets { get; init; } = [];
}

/// <summary>The sums of one group with its key: a minute, an hour, or a service.</summary>
public sealed class RollupSums<TKey> : RollupSums
{
    public required TKey Key { get; init; }
}
