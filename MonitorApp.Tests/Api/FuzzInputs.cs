using System.Text;
using System.Text.Json;
using CsCheck;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Api;

/// <summary>What happens to a body on its way: nothing, cut short, a byte that is not UTF-8, or no body at all.</summary>
public enum Damage { None, Truncated, InvalidUtf8, Empty, NotJson }

/// <summary>
/// A generated request body: JSON text in which <c>{ID}</c> stands for a prefix unique to the request (so what a
/// refused batch would have stored can be looked for), the damage done to its bytes, and its content type.
/// </summary>
public sealed record FuzzBody(string Json, Damage Damage, double Where, string ContentType)
{
    public byte[] Bytes(string id)
    {
        var bytes = Encoding.UTF8.GetBytes(Json.Replace("{ID}", id, StringComparison.Ordinal));
        var at = (int)(Where * bytes.Length);
        return Damage switch
        {
            Damage.Truncated => bytes[..at],
            Damage.InvalidUtf8 => [.. bytes[..at], 0xC3, 0x28, 0xFF, .. bytes[at..]],
            Damage.Empty => [],
            Damage.NotJson => Encoding.UTF8.GetBytes("events=" + Uri.EscapeDataString(Json[..Math.Min(Json.Length, 200)])),
            _ => bytes,
        };
    }

    public override string ToString() => $"{Damage}@{Where:F2} {ContentType} {(Json.Length > 600 ? Json[..600] + $"… ({Json.Length} chars)" : Json)}";
}

/// <summary>
/// A generated OTLP export: the message, how it is encoded and compressed, and what is done to its bytes. A trusted export
/// is intact and well formed (delta points of <see cref="FuzzInputs.TrustedService"/>): it must be taken whole.
/// </summary>
public sealed record OtlpFuzz(Google.Protobuf.IMessage Request, bool Json, bool Gzip, Damage Damage, double Where, string ContentType, bool Trusted, long TrustedCount)
{
    public byte[] Bytes()
    {
        var bytes = Json ? Encoding.UTF8.GetBytes(Google.Protobuf.JsonFormatter.Default.Format(Request)) : Google.Protobuf.MessageExtensions.ToByteArray(Request);
        var at = (int)(Where * bytes.Length);
        bytes = Damage switch
        {
            Damage.Truncated => bytes[..at],
            Damage.InvalidUtf8 => [.. bytes[..at], 0xC3, 0x28, 0xFF, .. bytes[at..]],
            Damage.Empty => [],
            Damage.NotJson => [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0xff, 0x07, .. bytes[..Math.Min(bytes.Length, 64)]], // gzip's header, then no deflate stream
            _ => bytes,
        };
        if (!Gzip || Damage == Damage.NotJson)
            return bytes;
        using var packed = new MemoryStream();
        using (var zip = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            zip.Write(bytes);
        return packed.ToArray();
    }

    public override string ToString()
    {
        var text = Google.Protobuf.JsonFormatter.Default.Format(Request);
        return $"{(Json ? "json" : "protobuf")}{(Gzip ? "+gzip" : "")} {Damage}@{Where:F2} {ContentType} {(text.Length > 600 ? text[..600] + "…" : text)}";
    }
}

/// <summary>Generators of hostile input for the ingestion routes, the sign-in form and query parameters.</summary>
public static class FuzzInputs
{
    private static readonly DateTimeOffset T0 = IsolatedApp.T0;

    public static string Json(string value) => JsonSerializer.Serialize(value);

    /// <summary>Text as senders get it wrong: empty, blank, huge, control and bidi characters, half a surrogate pair, any Unicode.</summary>
    public static readonly Gen<string> Text = Gen.Frequency(
        (4, Gen.OneOf("Career", "Anxiety", "Études_supérieures-2.0", "進路 相談", "platform-api", "web")),
        (2, Gen.OneOf("", " ", "\u0000", "a\u0000b", "\u202Egnirts", "\uD800", "x\uDFFFy", "\uFEFF", "\t\r\n", "<script>", "'; DROP TABLE sessions; --", "%00", "\\")),
        (2, Gen.String),
        (1, Gen.Int[101, 2_000].Select(n => new string('n', n))),
        (1, Gen.Int[10_000, 400_000].Select(n => new string('x', n))));

    /// <summary>A JSON value of any type, including out-of-range numbers and nesting far deeper than any body needs.</summary>
    public static readonly Gen<string> AnyValue = Gen.Frequency(
        (3, Text.Select(Json)),
        (3, Gen.OneOf("null", "true", "false", "0", "-1", "1.5", "-0", "1e400", "-1e400", "9223372036854775808", "1E+2", "[]", "{}", "[1,\"a\"]", "{\"a\":1}", "\"\"")),
        (1, Gen.Int[2, 5_000].Select(d => new string('[', d) + new string(']', d))),
        (1, Gen.Int[2, 3_000].Select(d => string.Concat(Enumerable.Repeat("{\"a\":", d)) + "1" + new string('}', d))));

    /// <summary>Instants: mostly near now (accepted), and every way one can be wrong.</summary>
    public static readonly Gen<string> Instant = Gen.Frequency(
        (6, Gen.Int[-40 * 24 * 60, 4].Select(m => Json(IsolatedApp.Iso(T0.AddMinutes(m))))),
        (3, Gen.OneOf("2099-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-13-45T25:61:00Z", "2026-11-26T10:00:00",
            "2026-11-26", "+275760-09-13T00:00:00Z", "2026-11-26T10:00:00+25:00", "2026-02-30T00:00:00Z", "", "now", "1764151200",
            "2026-11-26T10:00:00.123456789012Z", "2026-11-26t10:00:00z").Select(Json)),
        (1, AnyValue));

    private static Gen<string> Field(Gen<string> good) => Gen.Frequency((8, good), (1, AnyValue));

    private static string Obj(IEnumerable<(string Name, string? Value)> properties) =>
        "{" + string.Join(",", properties.Where(p => p.Value is not null).Select(p => $"{Json(p.Name)}:{p.Value}")) + "}";

    /// <summary>One object's properties, then maybe one dropped, one unknown added, or one written twice.</summary>
    private static Gen<string> Object(Gen<(string Name, string? Value)[]> properties) =>
        Gen.Select(properties, Gen.Int[0, 9], Gen.Int[0, 20], AnyValue, (props, change, which, extra) =>
        {
            var list = props.ToList();
            var i = which % list.Count;
            switch (change)
            {
                case 0: list.RemoveAt(i); break;
                case 1: list.Add(("student_email", extra)); break;
                case 2: list.Insert(i, (list[i].Name, extra)); break; // a duplicate key
            }
            return Obj(list);
        });

    /// <summary>A session id: mostly one of a few (so events meet their session), sometimes with hostile text after the request's prefix.</summary>
    private static readonly Gen<string> SessionId = Gen.Frequency(
        (6, Gen.Int[0, 5].Select(session => Json($"{{ID}}-{session}"))),
        (1, Text.Where(t => t.Length < 2_000).Select(t => Json("{ID}-" + t))));

    /// <summary>A stats window's measurements: mostly plausible, sometimes anything.</summary>
    private static readonly Gen<(string, string?)[]> StatsFields =
        Gen.Select(Field(Gen.OneOf("send", "receive", "up", "").Select(Json)), Field(Gen.OneOf("audio", "video", "screen", "").Select(Json)),
            Field(Gen.OneOf("10", "5", "0", "301", "-1", "1.5")), Field(Gen.OneOf("0", "2.5", "100", "101", "-1", "1e400")),
            Field(Gen.OneOf("40", "0", "-5", "100000", "NaN")), Field(Gen.OneOf("5", "0", "-1", "3000")), Field(Gen.OneOf("true", "false", "1")),
            (direction, kind, window, loss, rtt, jitter, relay) => new (string, string?)[]
            {
                ("direction", direction), ("kind", kind), ("window_seconds", window), ("packet_loss_pct", loss), ("rtt_ms", rtt),
                ("jitter_ms", jitter), ("relay", relay),
            });

    private static readonly Gen<(string, string?)[]> SessionEvent =
        Gen.Select(SessionId, Gen.OneOf("started", "heartbeat", "quality", "ended", "STARTED", "stats", ""), Field(Instant),
            Field(Text.Select(Json)), Field(Gen.OneOf("daily_co", "livekit", "beyond_presence", "other", "zoom", "").Select(Json)),
            Field(Gen.OneOf("excellent", "good", "fair", "poor", "great", "").Select(Json)), Gen.Bool, StatsFields,
            (session, type, at, category, provider, quality, giveAll, stats) => new (string, string?)[]
            {
                ("session_id", session),
                ("type", Json(type)),
                ("at", at),
                ("category", type == "started" || giveAll ? category : null),
                ("provider", type == "started" || giveAll ? provider : null),
                ("quality", type == "quality" || giveAll ? quality : null),
            }.Concat(type == "stats" || giveAll ? stats : []).ToArray());

    private static readonly Gen<(string, string?)[]> RequestOutcome =
        Gen.Select(Field(Gen.OneOf("platform-api", "web", "worker", "billing").Select(Json)), Field(Instant),
            Field(Gen.Frequency((5, Gen.Int[100, 599]), (1, Gen.Int[-1000, 1000])).Select(s => s.ToString())),
            Field(Gen.OneOf("0", "12.5", "999", "-1", "1e308", "0.0001", "86400000")), Field(Text.Select(Json)),
            (service, at, status, ms, route) => new (string, string?)[]
            {
                ("service", service), ("at", at), ("status", status), ("duration_ms", ms), ("route", route),
            });

    /// <summary>Well-formed batches a platform would send: sessions started, then heard from, in any order; outcomes within retention.</summary>
    private static readonly Gen<string[]> ValidSessionEvents =
        Gen.Select(Gen.Int[1, 5], Gen.Int[-40 * 24 * 60, -60], Gen.OneOf("Career", "Anxiety", "Études_supérieures-2.0", "進路 相談"),
                Gen.OneOf("daily_co", "livekit", "beyond_presence", "other"),
                Gen.Select(Gen.Int[0, 4], Gen.OneOf("heartbeat", "quality", "ended"), Gen.Int[0, 59], Gen.OneOf("excellent", "good", "fair", "poor")).Array[0, 8])
            .Select(b =>
            {
                var (sessions, startMinute, category, provider, later) = b;
                var start = T0.AddMinutes(startMinute);
                var events = Enumerable.Range(0, sessions).Select(k => Obj([("session_id", Json($"{{ID}}-{k}")), ("type", Json("started")),
                    ("at", Json(IsolatedApp.Iso(start))), ("category", Json(category)), ("provider", Json(provider))])).ToList();
                events.AddRange(later.Select(e => Obj([("session_id", Json($"{{ID}}-{e.Item1 % sessions}")), ("type", Json(e.Item2)),
                    ("at", Json(IsolatedApp.Iso(start.AddMinutes(e.Item3)))), ("quality", e.Item2 == "quality" ? Json(e.Item4) : null)])));
                return events.ToArray();
            });

    private static readonly Gen<string[]> ValidRequestOutcomes =
        Gen.Select(Gen.OneOf("platform-api", "web", "worker", "billing"), Gen.Int[-29 * 24 * 60, 4], Gen.Int[100, 599], Gen.Double[0, 60_000])
            .Select(o => Obj([("service", Json(o.Item1)), ("at", Json(IsolatedApp.Iso(T0.AddMinutes(o.Item2)))), ("status", o.Item3.ToString()),
                ("duration_ms", o.Item4.ToString("R", System.Globalization.CultureInfo.InvariantCulture))]))
            .Array[1, 12];

    private static Gen<FuzzBody> Body(string arrayName, Gen<(string, string?)[]> item, Gen<string[]> valid) =>
        Gen.Select(Gen.Frequency((3, Object(item).Array[0, 12]), (2, valid)), Gen.Int[0, 9], AnyValue, Gen.Double[0, 1],
            Gen.Frequency((12, Gen.Const("application/json")),
                (1, Gen.OneOf("text/plain", "application/json; charset=latin1", "multipart/form-data", "application/x-www-form-urlencoded"))),
            (items, shape, other, where, contentType) =>
            {
                var array = "[" + string.Join(",", items) + "]";
                var (json, damage) = shape switch
                {
                    0 => ($"{{{Json(arrayName)}:{other}}}", Damage.None),              // the array is something else
                    1 => ($"{{{Json(arrayName)}:{array},\"extra\":{other}}}", Damage.None), // an unknown top-level property
                    2 => (other, Damage.None),                                            // not an object at all
                    3 => ($"{{{Json(arrayName)}:{array}}}", Damage.Truncated),
                    4 => ($"{{{Json(arrayName)}:{array}}}", Damage.InvalidUtf8),
                    5 => ("", Damage.Empty),
                    6 => ($"{{{Json(arrayName)}:{array}}}", Damage.NotJson),
                    _ => ($"{{{Json(arrayName)}:{array}}}", Damage.None),
                };
                return new FuzzBody(json, damage, where, contentType);
            });

    public static readonly Gen<FuzzBody> SessionEventBodies = Body("events", SessionEvent, ValidSessionEvents);

    public static readonly Gen<FuzzBody> RequestOutcomeBodies = Body("requests", RequestOutcome, ValidRequestOutcomes);

    /// <summary>Where a sign-in may send the browser back to: local paths, and every trick for leaving the site.</summary>
    public static readonly Gen<string?> ReturnUrl = Gen.Frequency(
        (3, Gen.OneOf<string?>(null, "/", "/admin/dashboard", "/admin/dashboard?window=24h")),
        (3, Gen.OneOf<string?>("//evil.example", "https://evil.example/", "/\\evil.example", "\\\\evil.example", "javascript:alert(1)", "http:/evil.example",
            "/%2F%2Fevil.example", " //evil.example", "/\t/evil.example")),
        (2, Text.Select(t => (string?)t)));

    /// <summary>A query-string value: odd text, numbers of every size, broken percent-encodings.</summary>
    public static readonly Gen<string> QueryValue = Gen.Frequency(
        (3, Gen.OneOf("", "0", "-1", "1", "24", "168", "169", "1e9", "99999999999999999999", "1.5", "24h", "7d", "30d", "1h", "fortnight", "Cards", "cards", "Stream")),
        (2, Gen.OneOf("%FF%FE", "%", "%zz", "%00", "%C3%28", "%E2%80%AE", "a%20b", "%2e%2e%2f")),
        (2, Text.Where(t => t.Length < 4_000).Select(Escape)));

    /// <summary>Percent-encodes the UTF-8 of any text (half a surrogate pair becomes U+FFFD, as a browser would send it).</summary>
    private static string Escape(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(b => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
            ? ((char)b).ToString() : $"%{b:X2}"));

    /// <summary>The one service whose exports are generated well formed, so what is stored for it can be checked exactly.</summary>
    public const string TrustedService = "fuzz-trusted";

    private static readonly double[] RecommendedBounds = OtlpMessages.RecommendedBounds;

    private static ulong Nanos(DateTimeOffset at) => OtlpMessages.Nanos(at);

    private static MonitorApp.Telemetry.Otlp.Proto.ExportMetricsServiceRequest Export(string service, int temporality, string unit,
        IEnumerable<MonitorApp.Telemetry.Otlp.Proto.HistogramDataPoint> points, string metric = "http.server.request.duration")
    {
        var histogram = new MonitorApp.Telemetry.Otlp.Proto.Histogram { AggregationTemporality = (MonitorApp.Telemetry.Otlp.Proto.AggregationTemporality)temporality };
        histogram.DataPoints.Add(points);
        return OtlpMessages.Export(service, histogram, unit, metric, scope: "fuzz");
    }

    /// <summary>Text a protobuf string can carry (half a surrogate pair becomes U+FFFD, as any encoder makes it; broken bytes are a damage of their own).</summary>
    private static string Encodable(string text) => Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));

    private static readonly Gen<(bool Json, bool Gzip)> Encoding2 = Gen.Select(Gen.Bool, Gen.Bool);

    /// <summary>Well-formed delta points a service would send: recommended bounds, counts, a minute within the last hour, a status.</summary>
    private static readonly Gen<OtlpFuzz> TrustedExports =
        Gen.Select(Gen.Select(Gen.Int[0, 1000].Array[15], Gen.Int[-59, -1], Gen.OneOf(200, 201, 404, 500, 503)).Array[1, 5], Encoding2,
            (points, encoding) =>
            {
                var request = Export(TrustedService, 1, "s", points.Select(p =>
                {
                    var (counts, minute, status) = p;
                    var at = T0.AddMinutes(minute);
                    var point = new MonitorApp.Telemetry.Otlp.Proto.HistogramDataPoint { StartTimeUnixNano = Nanos(at.AddMinutes(-1)), TimeUnixNano = Nanos(at), Count = (ulong)counts.Sum() };
                    point.Attributes.Add(new MonitorApp.Telemetry.Otlp.Proto.KeyValue { Key = "http.response.status_code", Value = new MonitorApp.Telemetry.Otlp.Proto.AnyValue { IntValue = status } });
                    point.ExplicitBounds.Add(RecommendedBounds);
                    point.BucketCounts.Add(counts.Select(c => (ulong)c));
                    return point;
                }));
                return new OtlpFuzz(request, encoding.Json, encoding.Gzip, Damage.None, 0, encoding.Json ? "application/json" : "application/x-protobuf",
                    Trusted: true, points.Sum(p => (long)p.Item1.Sum()));
            });

    private static readonly Gen<ulong> Count = Gen.Frequency((6, Gen.ULong[0, 1000]), (1, Gen.OneOf(ulong.MaxValue, (ulong)long.MaxValue, (ulong)long.MaxValue / 2 + 1)));

    private static readonly Gen<ulong> Time = Gen.Frequency(
        (5, Gen.Int[-60 * 24 * 40, 10].Select(m => Nanos(T0.AddMinutes(m)))),
        (1, Gen.OneOf(0UL, ulong.MaxValue, (ulong)long.MaxValue, 1UL)));

    private static readonly Gen<MonitorApp.Telemetry.Otlp.Proto.AnyValue> Attribute = Gen.Frequency(
        (3, Gen.Int[-2000, 2000].Select(v => new MonitorApp.Telemetry.Otlp.Proto.AnyValue { IntValue = v })),
        (2, Text.Where(t => t.Length < 500).Select(t => new MonitorApp.Telemetry.Otlp.Proto.AnyValue { StringValue = Encodable(t) })),
        (1, Gen.Bool.Select(b => new MonitorApp.Telemetry.Otlp.Proto.AnyValue { BoolValue = b })),
        (1, Gen.Double.Select(d => new MonitorApp.Telemetry.Otlp.Proto.AnyValue { DoubleValue = d })));

    private static readonly Gen<MonitorApp.Telemetry.Otlp.Proto.HistogramDataPoint> HostilePoint =
        Gen.Select(Time, Time, Count.Array[0, 17], Gen.Frequency((4, Gen.Const(RecommendedBounds)), (1, Gen.Double.Array[0, 16])), Attribute, Gen.Bool,
            (start, time, counts, bounds, status, withStatus) =>
            {
                var point = new MonitorApp.Telemetry.Otlp.Proto.HistogramDataPoint { StartTimeUnixNano = start, TimeUnixNano = time };
                point.BucketCounts.Add(counts);
                point.ExplicitBounds.Add(bounds);
                if (withStatus)
                    point.Attributes.Add(new MonitorApp.Telemetry.Otlp.Proto.KeyValue { Key = "http.response.status_code", Value = status });
                return point;
            });

    /// <summary>Exports every way a sender gets them wrong, in either encoding, gzip or not, cut short or otherwise broken.</summary>
    private static readonly Gen<OtlpFuzz> HostileExports =
        Gen.Select(Text.Where(t => t.Length < 500 && t != TrustedService).Select(Encodable), Gen.Int[0, 3], Gen.OneOf("s", "ms", "us", "", "{request}"), HostilePoint.Array[0, 30],
            Gen.OneOf("http.server.request.duration", "http.server.active_requests", ""), Encoding2,
            Gen.Frequency((5, Gen.Const(Damage.None)), (1, Gen.Const(Damage.Truncated)), (1, Gen.Const(Damage.InvalidUtf8)), (1, Gen.Const(Damage.Empty)), (1, Gen.Const(Damage.NotJson))),
            Gen.Double[0, 1],
            (service, temporality, unit, points, metric, encoding, damage, where) =>
                new OtlpFuzz(Export(service, temporality, unit, points, metric), encoding.Json, encoding.Gzip, damage, where,
                    encoding.Json ? "application/json" : "application/x-protobuf", Trusted: false, 0));

    public static readonly Gen<OtlpFuzz> OtlpExports = Gen.Frequency((1, TrustedExports), (2, HostileExports));
}
