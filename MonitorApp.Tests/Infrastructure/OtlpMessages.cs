using MonitorApp.Telemetry.Otlp.Proto;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>OTLP export messages as a service's exporter builds them, for the tests, the fuzzer and the benchmark alike.</summary>
public static class OtlpMessages
{
    /// <summary>OpenTelemetry's recommended bounds for <c>http.server.request.duration</c>, in seconds.</summary>
    public static readonly double[] RecommendedBounds = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static ulong Nanos(DateTimeOffset at) => (ulong)(at - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>One resource (<c>service.name</c>), one scope, one histogram metric holding <paramref name="histogram"/>'s points.</summary>
    public static ExportMetricsServiceRequest Export(string service, Histogram histogram, string unit = "s", string metric = "http.server.request.duration",
        string scope = "Microsoft.AspNetCore.Hosting")
    {
        var scopeMetrics = new ScopeMetrics { Scope = new InstrumentationScope { Name = scope } };
        scopeMetrics.Metrics.Add(new Metric { Name = metric, Unit = unit, Histogram = histogram });
        var resource = new ResourceMetrics { Resource = new Resource() };
        resource.Resource.Attributes.Add(new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } });
        resource.ScopeMetrics.Add(scopeMetrics);
        var request = new ExportMetricsServiceRequest();
        request.ResourceMetrics.Add(resource);
        return request;
    }
}
