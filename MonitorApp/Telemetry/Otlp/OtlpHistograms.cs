using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MonitorApp.Api;
using MonitorApp.Telemetry.Otlp.Proto;

namespace MonitorApp.Telemetry.Otlp;

/// <summary>One point of <c>http.server.request.duration</c> in MonitorApp's terms: counts per MonitorApp latency bucket.</summary>
public sealed record OtlpPoint(string Service, string StreamKey, bool Cumulative, long StartNanos, long TimeNanos, DateTime At, int Status, long[] Buckets);

/// <summary>What a request held: the points MonitorApp takes, and how many it refused and why (OTLP's partial success).</summary>
public sealed record OtlpRead(List<OtlpPoint> Points, long Rejected, string? Reason);

/// <summary>
/// Reads the stable HTTP server metric <c>http.server.request.duration</c> (an explicit-bucket histogram, unit <c>s</c> or
/// <c>ms</c>) out of an OTLP export: the service from the resource's <c>service.name</c>, errors from
/// <c>http.response.status_code</c>. A bucket goes to the MonitorApp bucket whose upper bound is the nearest at or above its
/// own (OpenTelemetry's recommended bounds are exactly MonitorApp's). Other metrics are ignored, not refused.
/// </summary>
public static class OtlpHistograms
{
    public const string DurationMetric = "http.server.request.duration";
    public const string ServiceAttribute = "service.name";
    public const string StatusAttribute = "http.response.status_code";

    public static OtlpRead Read(ExportMetricsServiceRequest request, EventTimeBounds times)
    {
        var points = new List<OtlpPoint>();
        long rejected = 0;
        string? reason = null;
        void Reject(long count, string why)
        {
            rejected += count;
            reason ??= why;
        }

        foreach (var resource in request.ResourceMetrics)
        {
            var resourceAttributes = resource.Resource?.Attributes ?? [];
            var service = Text(resourceAttributes.FirstOrDefault(a => a.Key == ServiceAttribute)?.Value)?.Trim();
            foreach (var scope in resource.ScopeMetrics)
            {
                foreach (var metric in scope.Metrics.Where(m => m.Name == DurationMetric && m.DataCase == Metric.DataOneofCase.Histogram))
                {
                    var histogram = metric.Histogram;
                    var count = histogram.DataPoints.Count;
                    if (string.IsNullOrEmpty(service) || DisplayNames.Problem(service) is not null)
                    {
                        Reject(count, $"resource attribute {ServiceAttribute} is missing or not a name MonitorApp keeps ({DisplayNames.Problem(service ?? "") ?? "empty"})");
                        continue;
                    }
                    var toMs = metric.Unit switch { "s" => 1000.0, "ms" => 1.0, _ => double.NaN };
                    if (double.IsNaN(toMs))
                    {
                        Reject(count, $"{DurationMetric} has unit '{metric.Unit}': only s and ms are read");
                        continue;
                    }
                    var cumulative = histogram.AggregationTemporality == AggregationTemporality.Cumulative;
                    if (!cumulative && histogram.AggregationTemporality != AggregationTemporality.Delta)
                    {
                        Reject(count, $"{DurationMetric} has no aggregation temporality (delta or cumulative)");
                        continue;
                    }
                    foreach (var point in histogram.DataPoints)
                    {
                        if (Buckets(point, toMs) is not { } buckets)
                        {
                            Reject(1, "a data point's bucket_counts do not match its explicit_bounds (one more count than bounds, bounds increasing)");
                            continue;
                        }
                        if (point.TimeUnixNano > (ulong)(DateTime.MaxValue - DateTime.UnixEpoch).Ticks * 100)
                        {
                            Reject(1, "a data point's time_unix_nano is out of range");
                            continue;
                        }
                        var at = DateTime.UnixEpoch.AddTicks((long)(point.TimeUnixNano / 100));
                        if (times.Problem(at, at.ToString("O", CultureInfo.InvariantCulture)) is { } timeProblem)
                        {
                            Reject(1, "a data point's time_unix_nano " + timeProblem);
                            continue;
                        }
                        var status = point.Attributes.FirstOrDefault(a => a.Key == StatusAttribute)?.Value is { } v
                            ? v.ValueCase == AnyValue.ValueOneofCase.IntValue ? (int)Math.Clamp(v.IntValue, 0, 999)
                            : int.TryParse(Text(v), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : 0
                            : 0;
                        points.Add(new OtlpPoint(service, StreamKey(service, resourceAttributes, scope.Scope?.Name, point.Attributes), cumulative,
                            (long)Math.Min(point.StartTimeUnixNano, long.MaxValue), (long)point.TimeUnixNano, at, status, buckets));
                    }
                }
            }
        }
        return new OtlpRead(points, rejected, reason);
    }

    /// <summary>The point's counts on MonitorApp's buckets, or null when its buckets are malformed.</summary>
    private static long[]? Buckets(HistogramDataPoint point, double toMs)
    {
        var bounds = point.ExplicitBounds;
        var counts = point.BucketCounts;
        if (counts.Count != bounds.Count + 1)
            return null;
        var result = new long[LatencyHistogram.BucketCount];
        for (var i = 0; i < counts.Count; i++)
        {
            if (counts[i] > long.MaxValue / 2)
                return null;
            if (i < bounds.Count && (!double.IsFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])))
                return null;
            // A bucket counts where a request as slow as its upper bound would (rounded to a nanosecond: 0.075 s is 75 ms exactly).
            var bucket = i < bounds.Count ? LatencyHistogram.BucketOf(Math.Round(bounds[i] * toMs, 6)) : LatencyHistogram.BucketCount - 1;
            result[bucket] += (long)counts[i];
        }
        return result;
    }

    private static string? Text(AnyValue? value) => value?.ValueCase switch
    {
        AnyValue.ValueOneofCase.StringValue => value.StringValue,
        AnyValue.ValueOneofCase.IntValue => value.IntValue.ToString(CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A stream is one resource, one scope and one set of point attributes (the start time is kept beside it).</summary>
    private static string StreamKey(string service, IEnumerable<KeyValue> resource, string? scope, IEnumerable<KeyValue> attributes)
    {
        static string Flat(IEnumerable<KeyValue> values) =>
            string.Join(",", values.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => a.Key + "=" + a.Value?.ToString()));
        var identity = $"{service}\n{Flat(resource)}\n{scope}\n{Flat(attributes)}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(identity)));
    }
}
