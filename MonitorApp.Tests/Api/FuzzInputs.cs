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

    private static readonly Gen<(string, string?)[]> SessionEvent =
        Gen.Select(Gen.Int[0, 5], Gen.OneOf("started", "heartbeat", "quality", "ended", "STARTED", "stats", ""), Field(Instant),
            Field(Text.Select(Json)), Field(Gen.OneOf("daily_co", "livekit", "beyond_presence", "other", "zoom", "").Select(Json)),
            Field(Gen.OneOf("excellent", "good", "fair", "poor", "great", "").Select(Json)), Gen.Bool,
            (session, type, at, category, provider, quality, giveAll) => new (string, string?)[]
            {
                ("session_id", Json($"{{ID}}-{session}")),
                ("type", Json(type)),
                ("at", at),
                ("category", type == "started" || giveAll ? category : null),
                ("provider", type == "started" || giveAll ? provider : null),
                ("quality", type == "quality" || giveAll ? quality : null),
            });

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
}
