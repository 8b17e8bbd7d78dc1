using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Telemetry.Otlp.Proto;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Telemetry.Otlp;

/// <summary>
/// /v1/metrics with OTLP messages built by hand: both encodings, gzip, what is refused and said so (partial success),
/// bucket mapping, and cumulative streams spread over two instances on one PostgreSQL.
/// </summary>
public sealed class OtlpReceiverTests
{
    private static readonly double[] RecommendedBounds = OtlpMessages.RecommendedBounds;

    private static ulong Nanos(DateTimeOffset at) => OtlpMessages.Nanos(at);

    private static ExportMetricsServiceRequest Export(string service, bool cumulative, DateTimeOffset start, DateTimeOffset at, int status, long[] counts,
        string unit = "s", double[]? bounds = null, string metric = "http.server.request.duration")
    {
        var point = new HistogramDataPoint { StartTimeUnixNano = Nanos(start), TimeUnixNano = Nanos(at), Count = (ulong)counts.Sum() };
        point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = status } });
        point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = "/checkout" } });
        point.ExplicitBounds.Add(bounds ?? RecommendedBounds);
        point.BucketCounts.Add(counts.Select(c => (ulong)c));
        var histogram = new Histogram { AggregationTemporality = cumulative ? AggregationTemporality.Cumulative : AggregationTemporality.Delta };
        histogram.DataPoints.Add(point);
        return OtlpMessages.Export(service, histogram, unit, metric);
    }

    /// <summary>Counts on the 15 recommended-bound buckets: <paramref name="n"/> in bucket <paramref name="index"/>.</summary>
    private static long[] In(int index, long n)
    {
        var counts = new long[RecommendedBounds.Length + 1];
        counts[index] = n;
        return counts;
    }

    private static Task<HttpResponseMessage> PostProtobufAsync(HttpClient client, ExportMetricsServiceRequest request, bool gzip = false)
    {
        var bytes = request.ToByteArray();
        if (gzip)
        {
            using var packed = new MemoryStream();
            using (var zip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
                zip.Write(bytes);
            bytes = packed.ToArray();
        }
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        if (gzip)
            content.Headers.ContentEncoding.Add("gzip");
        return client.PostAsync("/v1/metrics", content);
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient client, string json) =>
        client.PostAsync("/v1/metrics", new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>The service's rollups as stored: requests, 5xx errors and the count of each latency bucket.</summary>
    private static Task<(long Requests, long Errors, long[] Buckets)> StoredAsync(MonitorAppFactory app, string service) => app.WithDbAsync(async db =>
    {
        var columns = global::MonitorApp.Telemetry.LatencyBucket.All.Select(b => $"COALESCE(SUM({b.Column}), 0)");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(SUM(requests), 0), COALESCE(SUM(errors_5xx), 0), {string.Join(", ", columns)} FROM request_rollups WHERE service = @service";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "@service";
        parameter.Value = service;
        command.Parameters.Add(parameter);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var buckets = Enumerable.Range(2, reader.FieldCount - 2).Select(i => Convert.ToInt64(reader.GetValue(i))).ToArray();
        return (Convert.ToInt64(reader.GetValue(0)), Convert.ToInt64(reader.GetValue(1)), buckets);
    });

    [SkippableFact]
    public async Task BothEncodingsAndGzip_AreRead_AndOtherBoundsGoToTheNearestBucketAtOrAbove()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        var at = IsolatedApp.T0.AddMinutes(-1);

        var plain = await PostProtobufAsync(app.Ingest, Export("shop", false, at.AddMinutes(-1), at, 200, In(7, 10))); // 10 in (250, 500] ms
        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Equal("application/x-protobuf", plain.Content.Headers.ContentType!.MediaType);
        Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await plain.Content.ReadAsByteArrayAsync()).PartialSuccess);
        Assert.Equal(HttpStatusCode.OK, (await PostProtobufAsync(app.Ingest, Export("shop", false, at.AddMinutes(-1), at, 503, In(0, 4)), gzip: true)).StatusCode);

        // OTLP/JSON as exporters write it: lowerCamelCase, 64-bit integers as strings, the enum as a number.
        var json = JsonFormatter.Default.Format(Export("shop", false, at.AddMinutes(-1), at, 200, In(14, 1), unit: "ms",
            bounds: [5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]));
        Assert.Contains("\"startTimeUnixNano\"", json);
        var answer = await PostJsonAsync(app.Ingest, json);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/json", answer.Content.Headers.ContentType!.MediaType);

        // Bounds of another service's own choosing (seconds): 0.2 goes to 250 ms, 0.3 to 500 ms, 20 to +Inf.
        await PostProtobufAsync(app.Ingest, Export("shop", false, at.AddMinutes(-1), at, 200, [1, 2, 3, 4], bounds: [0.2, 0.3, 20]));

        var (requests, errors, buckets) = await StoredAsync(app.App, "shop");
        Assert.Equal(10 + 4 + 1 + 10, requests);
        Assert.Equal(4, errors);
        var bucketOf = global::MonitorApp.Telemetry.LatencyHistogram.BucketOf;
        Assert.Equal(4, buckets[0]); // ≤ 5 ms
        Assert.Equal(1, buckets[bucketOf(250)]); // the 0.2 s bucket's 1
        Assert.Equal(10 + 2, buckets[bucketOf(500)]); // 10, and the 0.3 s bucket's 2
        Assert.Equal(1 + 3 + 4, buckets[^1]); // the ms export's +Inf, 20 s, and beyond 20 s
    }

    [SkippableFact]
    public async Task WhatCannotBeRead_IsRefusedAndSaidSo_OtherMetricsAreIgnored()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Sqlite);
        var at = IsolatedApp.T0.AddMinutes(-1);

        // A metric MonitorApp does not read is no error; a wrong unit is refused with partial_success.
        var request = Export("shop", false, at.AddMinutes(-1), at, 200, In(3, 5));
        request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Add(new Metric { Name = "http.server.active_requests", Unit = "{request}" });
        request.ResourceMetrics[0].ScopeMetrics[0].Metrics.Add(new Metric { Name = "http.server.request.duration", Unit = "us", Histogram = Export("shop", false, at, at, 200, In(0, 1)).ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Histogram });
        var partial = ExportMetricsServiceResponse.Parser.ParseFrom(await (await PostProtobufAsync(app.Ingest, request)).Content.ReadAsByteArrayAsync()).PartialSuccess;
        Assert.Equal(1, partial.RejectedDataPoints);
        Assert.Contains("unit 'us'", partial.ErrorMessage);

        // Malformed buckets, a time from the future, no service.name: each point refused, the rest kept.
        var more = Export("shop", false, at.AddMinutes(-1), at, 200, [1, 2]);
        more.ResourceMetrics.Add(Export("shop", false, at, DateTimeOffset.UtcNow.AddDays(400), 200, In(3, 9)).ResourceMetrics[0]);
        more.ResourceMetrics.Add(Export("", false, at.AddMinutes(-1), at, 200, In(3, 9)).ResourceMetrics[0]);
        var jsonAnswer = await PostJsonAsync(app.Ingest, JsonFormatter.Default.Format(more));
        var rejected = JsonDocument.Parse(await jsonAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
        Assert.Equal("3", rejected.GetProperty("rejectedDataPoints").GetString());
        Assert.Equal(5, (await StoredAsync(app.App, "shop")).Requests);

        // Not OTLP at all: 400, as a google.rpc.Status for protobuf and as ProblemDetails naming the body for JSON.
        var garbage = new ByteArrayContent([0xff, 0xff, 0xff, 0x01]);
        garbage.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        var bad = await app.Ingest.PostAsync("/v1/metrics", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not an OTLP", global::MonitorApp.Telemetry.Otlp.Proto.Status.Parser.ParseFrom(await bad.Content.ReadAsByteArrayAsync()).Message);
        var badJson = await PostJsonAsync(app.Ingest, "{\"resourceMetrics\": 7}");
        Assert.Equal(HttpStatusCode.BadRequest, badJson.StatusCode);
        Assert.True(JsonDocument.Parse(await badJson.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await app.Ingest.PostAsync("/v1/metrics", new StringContent("x", Encoding.UTF8, "text/plain"))).StatusCode);

        // Marked gzip but not gzip (or cut short): 400 naming the body, not a 500, in either encoding.
        foreach (var mediaType in new[] { "application/x-protobuf", "application/json" })
        {
            var corrupt = new ByteArrayContent([0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0x07, 0xff, 0xff]); // deflate block type 3 does not exist
            corrupt.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            corrupt.Headers.ContentEncoding.Add("gzip");
            var answer = await app.Ingest.PostAsync("/v1/metrics", corrupt);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            var text = mediaType == "application/json"
                ? JsonDocument.Parse(await answer.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").GetProperty("body")[0].GetString()!
                : global::MonitorApp.Telemetry.Otlp.Proto.Status.Parser.ParseFrom(await answer.Content.ReadAsByteArrayAsync()).Message;
            Assert.Contains("gzip", text);
        }

        // Only an INGEST token sends.
        Assert.Equal(HttpStatusCode.Forbidden, (await PostProtobufAsync(app.Monitor, request)).StatusCode);
        var anonymous = await PostProtobufAsync(app.App.CreateBrowserClient(), request);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(5, (await StoredAsync(app.App, "shop")).Requests);
    }

    /// <summary>One export of <paramref name="points"/> cumulative points of one service, each a stream of its own (a unique attribute), one request each.</summary>
    private static ExportMetricsServiceRequest UniqueStreams(string service, int points, DateTimeOffset start, DateTimeOffset at, long each)
    {
        var request = Export(service, true, start, at, 200, In(3, each));
        var histogram = request.ResourceMetrics[0].ScopeMetrics[0].Metrics[0].Histogram;
        var template = histogram.DataPoints[0];
        histogram.DataPoints.Clear();
        for (var i = 0; i < points; i++)
        {
            var point = template.Clone();
            point.Attributes.Add(new KeyValue { Key = "user.id", Value = new AnyValue { StringValue = $"u{i}" } });
            histogram.DataPoints.Add(point);
        }
        return request;
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AnExportOfManyUniqueStreams_IsCappedPerExportAndPerService_AndTheRestRefusedInPartialSuccess(DatabaseProvider provider)
    {
        await using var app = await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
        {
            ["Telemetry:Otlp:MaxPointsPerExport"] = "2000",
            ["Telemetry:Otlp:MaxNewStreamsPerExport"] = "500",
            ["Telemetry:Otlp:MaxStreamsPerService"] = "800",
        });
        var start = IsolatedApp.T0.AddMinutes(-10);

        // 3,000 points: 1,000 past the points limit; of the 2,000 read, 500 start streams and 1,500 wait.
        var first = ExportMetricsServiceResponse.Parser.ParseFrom(await (await PostProtobufAsync(app.Ingest,
            UniqueStreams("cardinality", 3000, start, IsolatedApp.T0.AddMinutes(-2), 1))).Content.ReadAsByteArrayAsync()).PartialSuccess;
        Assert.Equal(1000 + 1500, first.RejectedDataPoints);
        Assert.Contains("Telemetry:Otlp:MaxPointsPerExport", first.ErrorMessage);
        Assert.Equal(500, (await StoredAsync(app.App, "cardinality")).Requests);

        // Sent again a minute on, each stream one request more: the 500 known streams add their one, 300 more start (the
        // service's 800), the other 1,200 are refused naming the per-service limit.
        var second = await PostJsonAsync(app.Ingest, JsonFormatter.Default.Format(UniqueStreams("cardinality", 2000, start, IsolatedApp.T0.AddMinutes(-1), 2)));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var partial = JsonDocument.Parse(await second.Content.ReadAsStringAsync()).RootElement.GetProperty("partialSuccess");
        Assert.Equal("1200", partial.GetProperty("rejectedDataPoints").GetString());
        Assert.Contains("Telemetry:Otlp:MaxStreamsPerService", partial.GetProperty("errorMessage").GetString());
        Assert.Equal(500 + 500 + 300 * 2, (await StoredAsync(app.App, "cardinality")).Requests);
        Assert.Equal(800, await app.App.WithDbAsync(db => db.Set<global::MonitorApp.Telemetry.Otlp.OtlpStream>().CountAsync(s => s.Service == "cardinality")));

        // Another service has streams of its own.
        var other = await PostProtobufAsync(app.Ingest, UniqueStreams("checkout", 10, start, IsolatedApp.T0.AddMinutes(-1), 1));
        Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await other.Content.ReadAsByteArrayAsync()).PartialSuccess);
        Assert.Equal(10, (await StoredAsync(app.App, "checkout")).Requests);

        // An export naming hundreds of services is refused whole for the service limit, not a 500 (on PostgreSQL it takes one
        // of a few dozen locks per service, never one each).
        var many = new ExportMetricsServiceRequest();
        for (var i = 0; i < 300; i++)
            many.ResourceMetrics.Add(UniqueStreams($"svc-{i}", 1, start, IsolatedApp.T0.AddMinutes(-1), 1).ResourceMetrics[0]);
        var refused = await PostProtobufAsync(app.Ingest, many);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("Telemetry:MaxServices", global::MonitorApp.Telemetry.Otlp.Proto.Status.Parser.ParseFrom(await refused.Content.ReadAsByteArrayAsync()).Message);

        // Streams gone quiet for an hour (a restarted sender's old instances) no longer count: new ones are taken again.
        app.Time.Advance(TimeSpan.FromHours(2));
        var now = app.Time.GetUtcNow();
        var restarted = UniqueStreams("cardinality", 10, now.AddMinutes(-3), now.AddMinutes(-1), 1);
        restarted.ResourceMetrics[0].Resource.Attributes.Add(new KeyValue { Key = "service.instance.id", Value = new AnyValue { StringValue = "after-restart" } });
        var again = await PostProtobufAsync(app.Ingest, restarted);
        Assert.Null(ExportMetricsServiceResponse.Parser.ParseFrom(await again.Content.ReadAsByteArrayAsync()).PartialSuccess);
    }

    [SkippableFact]
    public async Task ACumulativeStream_SpreadOverTwoInstances_IsCountedOnce_AndASenderRestartStartsOver()
    {
        var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var settings = new Dictionary<string, string?> { ["Metrics:SnapshotSeconds"] = "300" };
        await using var a = new MonitorAppFactory(database, settings);
        await using var b = new MonitorAppFactory(database, settings);
        await a.StartedAsync();
        await b.StartedAsync();
        var token = await a.CreateTokenAsync(Roles.Ingest);
        HttpClient Client(MonitorAppFactory app)
        {
            var client = app.CreateBrowserClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }
        var (toA, toB) = (Client(a), Client(b));
        var start = DateTimeOffset.UtcNow.AddMinutes(-10);

        // One exporter's cumulative points, as a load balancer hands them out: 3, 5, 5 (again), 9; the retry of 5 goes to A.
        long[] totals = [3, 5, 5, 9];
        for (var i = 0; i < totals.Length; i++)
        {
            var response = await PostProtobufAsync(i % 2 == 0 ? toA : toB, Export("pay", true, start, start.AddMinutes(i + 1).AddSeconds(i == 2 ? -30 : 0), 200, In(6, totals[i])));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Equal(9, (await StoredAsync(a, "pay")).Requests);

        // Both instances at once, the same next point (a retry racing the original): counted once.
        var next = Export("pay", true, start, start.AddMinutes(6), 200, In(6, 12));
        await Task.WhenAll(PostProtobufAsync(toA, next), PostProtobufAsync(toB, next));
        Assert.Equal(12, (await StoredAsync(b, "pay")).Requests);

        // The sender restarted: a new start, counts from zero.
        Assert.Equal(HttpStatusCode.OK, (await PostProtobufAsync(toB, Export("pay", true, start.AddMinutes(7), start.AddMinutes(8), 200, In(6, 2)))).StatusCode);
        Assert.Equal(14, (await StoredAsync(a, "pay")).Requests);
        await database.DisposeAsync();
    }
}
