using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Telemetry.Otlp.Proto;
using MonitorApp.Tests.Infrastructure;
using Npgsql;

namespace MonitorApp.Bench;

/// <summary>
/// Issue 28's two exhaustion scenarios against the published app on PostgreSQL, as an attacker would send them:
/// (1) sign-in attempts with 1 MB e-mails from as many client addresses (<c>X-Forwarded-For</c> from a configured known
/// proxy), resident memory before and after; (2) one OTLP export of 100,000 minimal single-bucket cumulative points and one
/// of 15,000 points shaped as the SDKs send them: the answer's time, the server's lock table at its fullest while it runs,
/// and <c>/api/admin/metrics/current</c> answering meanwhile.
/// </summary>
internal static class ExhaustionBench
{
    public const string StartMarker = "<!-- exhaustion (issue 28): written by `bench -- --exhaustion` -->";
    public const string EndMarker = "<!-- /exhaustion -->";

    public static async Task<string> RunAsync(string publishedDll, bool smoke)
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var environment = AppProcess.ProductionSettings(DatabaseProvider.Postgres, database.ConnectionString + ";Maximum Pool Size=40");
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Proxy__KnownProxies__0"] = "127.0.0.1";
        environment["RateLimits__IngestPerTokenPerMinute"] = "1000000";
        var (migrated, _, migrateErrors) = await AppProcess.RunAsync(environment, publishedDll, "db", "migrate");
        if (migrated != 0)
            throw new InvalidOperationException("db migrate failed: " + migrateErrors);
        var readToken = await AppProcess.CreateTokenAsync(environment, publishedDll, $"bench-read-{Guid.NewGuid():N}", Roles.SystemMonitor);
        var ingestToken = await AppProcess.CreateTokenAsync(environment, publishedDll, $"bench-ingest-{Guid.NewGuid():N}", Roles.Ingest);
        await using var app = await AppProcess.StartAsync(environment, publishedDll);

        var report = new StringBuilder();
        report.AppendLine(StartMarker);
        report.AppendLine("## Exhaustion (issue 28): published app, PostgreSQL, one run");
        report.AppendLine();
        await SignInFloodAsync(app, smoke ? 500 : 10_000, report);
        await LimiterFloodAsync(app, smoke ? 100 : 3_000, report);
        await OtlpExportsAsync(app, database, readToken, ingestToken, smoke, report);
        report.AppendLine(EndMarker);
        return report.ToString();
    }

    /// <summary>What a flood of sign-in attempts did: how long it took, the answers, resident memory before and after.</summary>
    private sealed record Flood(double Seconds, string Answers, long Before, long After);

    /// <summary>
    /// Posts <paramref name="attempts"/> sign-ins, 8 at a time, with the form's antiforgery pair fetched once and reused (as a
    /// scripted attacker does); attempt <c>i</c> sends <paramref name="emailOf"/>(i) from <paramref name="addressOf"/>(i)
    /// (<c>X-Forwarded-For</c>, believed from the configured proxy). Memory is read after the process has settled.
    /// </summary>
    private static async Task<Flood> FloodAsync(AppProcess app, int attempts, Func<int, string> emailOf, Func<int, string> addressOf)
    {
        var jar = new CookieContainer();
        using var client = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = new HttpClientHandler { AllowAutoRedirect = false } })
        {
            BaseAddress = new Uri(app.BaseUrl),
        };
        var form = await MonitorAppFactory.ParseAsync(await client.GetAsync("/login"));
        var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        for (var i = 0; i < 20; i++)
            await client.GetAsync("/login"); // warm
        await Task.Delay(TimeSpan.FromSeconds(2));
        var before = app.ResidentBytes();
        var statuses = new Dictionary<HttpStatusCode, int>();
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < attempts)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/login")
                {
                    Content = new FormUrlEncodedContent(new Dictionary<string, string>
                    {
                        ["Input.Email"] = emailOf(i), ["Input.Password"] = "guess-guess-guess", ["__RequestVerificationToken"] = token,
                    }),
                };
                request.Headers.Add("X-Forwarded-For", addressOf(i));
                using var response = await client.SendAsync(request);
                lock (statuses)
                    statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            }
        }));
        var seconds = watch.Elapsed.TotalSeconds;
        await Task.Delay(HttpBench.Settle(attempts < 1000));
        var answers = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value:N0}"));
        return new Flood(seconds, answers, before, app.ResidentBytes());
    }

    private static string IPv4(int i) => $"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}";

    private static async Task SignInFloodAsync(AppProcess app, int attempts, StringBuilder report)
    {
        var email = new string('a', 1024 * 1024) + "@example.test";
        var flood = await FloodAsync(app, attempts, _ => email, IPv4);
        report.AppendLine($"**Sign-in flood**: {attempts:N0} attempts with 1 MB e-mails from {attempts:N0} client addresses (8 at a time, {flood.Seconds:F1} s; answers {flood.Answers}).");
        report.AppendLine();
        report.AppendLine("| resident memory before | after | growth | target |");
        report.AppendLine("|---|---|---|---|");
        var growth = flood.After - flood.Before;
        report.AppendLine($"| {Mb(flood.Before)} | {Mb(flood.After)} | {Mb(growth)} | ≤ 50 MB {(growth <= 50L * 1024 * 1024 ? "✓" : "✗")} |");
        report.AppendLine();
    }

    /// <summary>
    /// Sign-in attempts that reach the limiters: distinct well-formed e-mails of 250 characters from as many clients (IPv4
    /// addresses and IPv6 /64s), each a new key in all three limits. Each unknown e-mail still costs a password hash (the
    /// decoy that makes failures take equally long), which bounds how many a run can send.
    /// </summary>
    private static async Task LimiterFloodAsync(AppProcess app, int attempts, StringBuilder report)
    {
        var flood = await FloodAsync(app, attempts, i => $"{i:D8}{new string('x', 230)}@example.test",
            i => i % 2 == 0 ? IPv4(i) : $"2001:db8:{i >> 16 & 0xffff:x}:{i & 0xffff:x}::1");
        report.AppendLine($"**Limiter flood**: {attempts:N0} attempts with distinct 250-character e-mails from {attempts:N0} clients (half IPv4, half IPv6 /64s), " +
            $"each a new key in all three sign-in limits ({flood.Seconds:F1} s; answers {flood.Answers}): " +
            $"resident memory {Mb(flood.Before)} → {Mb(flood.After)} ({Mb(flood.After - flood.Before)}); the limits hold at most `RateLimits:MaxTrackedKeys` keys each.");
        report.AppendLine();
    }

    private static async Task OtlpExportsAsync(AppProcess app, TestDatabase database, string readToken, string ingestToken, bool smoke, StringBuilder report)
    {
        using var ingest = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromMinutes(2) };
        ingest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ingestToken);
        using var reader = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readToken);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        long slots;
        await using (var command = new NpgsqlCommand(
            "SELECT current_setting('max_locks_per_transaction')::int * (current_setting('max_connections')::int + current_setting('max_prepared_transactions')::int)", connection))
            slots = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);

        report.AppendLine($"**OTLP exports** (the server's lock table: {slots:N0} slots):");
        report.AppendLine();
        report.AppendLine("| export | points | answered in | rejected (partial_success) | lock table at its fullest | `/current` during it: answers, slowest | targets |");
        report.AppendLine("|---|---|---|---|---|---|---|");
        var now = DateTimeOffset.UtcNow;
        foreach (var (name, export) in new[]
        {
            ("minimal single-bucket cumulative", Minimal(smoke ? 20_000 : 100_000, now)),
            ("as the SDKs send them (15 buckets, route/method/status)", SdkShaped(smoke ? 3_000 : 15_000, now)),
            ("the same, as many as fit the 4 MiB body", SdkShaped(smoke ? 2_000 : 9_000, now)),
        })
        {
            var bytes = export.ToByteArray();
            using var stop = new CancellationTokenSource();
            var peakLocks = 0L;
            var locks = Task.Run(async () =>
            {
                await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_locks", connection);
                while (!stop.IsCancellationRequested)
                {
                    peakLocks = Math.Max(peakLocks, Convert.ToInt64(await count.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
                    await Task.Delay(20);
                }
            });
            var (answers, slowestMs) = (0, 0.0);
            var current = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var one = Stopwatch.StartNew();
                    using var response = await reader.GetAsync("/api/admin/metrics/current");
                    if (response.IsSuccessStatusCode)
                        answers++;
                    slowestMs = Math.Max(slowestMs, one.Elapsed.TotalMilliseconds);
                    await Task.Delay(50);
                }
            });
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
            var watch = Stopwatch.StartNew();
            using var answer = await ingest.PostAsync("/v1/metrics", content);
            var took = watch.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await Task.WhenAll(locks, current);
            var points = export.ResourceMetrics.Sum(r => r.ScopeMetrics.Sum(s => s.Metrics.Sum(m => m.Histogram.DataPoints.Count)));
            string rejected;
            if (answer.StatusCode == HttpStatusCode.RequestEntityTooLarge)
                rejected = "all: 413, over the body limit";
            else if (answer.IsSuccessStatusCode)
                rejected = (ExportMetricsServiceResponse.Parser.ParseFrom(await answer.Content.ReadAsByteArrayAsync()).PartialSuccess?.RejectedDataPoints ?? 0).ToString("N0", CultureInfo.InvariantCulture);
            else
                throw new InvalidOperationException($"the export was answered {(int)answer.StatusCode}: {await answer.Content.ReadAsStringAsync()}");
            var share = (double)peakLocks / slots;
            report.AppendLine($"| {name} | {points:N0} ({bytes.Length / 1024.0 / 1024:F1} MiB) | {took:F2} s | {rejected} | {peakLocks:N0} ({share:P1}) | {answers}, {slowestMs:F0} ms | " +
                $"< 2 s {(took < 2 ? "✓" : "✗")}, ≤ 10 % {(share <= 0.10 ? "✓" : "✗")}, answering {(answers > 0 ? "✓" : "✗")} |");
        }
        report.AppendLine();
    }

    /// <summary>Cumulative points with one bucket and one unique attribute each: the smallest a point can be.</summary>
    private static ExportMetricsServiceRequest Minimal(int points, DateTimeOffset now)
    {
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        for (var i = 0; i < points; i++)
        {
            var point = new HistogramDataPoint { TimeUnixNano = Nanos(now.AddSeconds(-1)) };
            point.Attributes.Add(new KeyValue { Key = "u", Value = new AnyValue { IntValue = i } });
            point.BucketCounts.Add(1);
            histogram.DataPoints.Add(point);
        }
        return Request("flood", histogram);
    }

    /// <summary>Points as OpenTelemetry's ASP.NET Core instrumentation exports them: the recommended bounds, route, method, status.</summary>
    private static ExportMetricsServiceRequest SdkShaped(int points, DateTimeOffset now)
    {
        var bounds = OtlpMessages.RecommendedBounds;
        var histogram = new Histogram { AggregationTemporality = AggregationTemporality.Cumulative };
        string[] methods = ["GET", "POST", "PUT", "DELETE"];
        int[] statuses = [200, 201, 204, 400, 404, 500];
        for (var i = 0; i < points; i++)
        {
            var point = new HistogramDataPoint { StartTimeUnixNano = Nanos(now.AddMinutes(-5)), TimeUnixNano = Nanos(now.AddSeconds(-1)), Count = 15, Sum = 1.5 };
            point.Attributes.Add(new KeyValue { Key = "http.route", Value = new AnyValue { StringValue = $"/api/things/{i / 24}/{{id}}" } });
            point.Attributes.Add(new KeyValue { Key = "http.request.method", Value = new AnyValue { StringValue = methods[i % 4] } });
            point.Attributes.Add(new KeyValue { Key = "http.response.status_code", Value = new AnyValue { IntValue = statuses[i / 4 % 6] } });
            point.Attributes.Add(new KeyValue { Key = "url.scheme", Value = new AnyValue { StringValue = "https" } });
            point.Attributes.Add(new KeyValue { Key = "network.protocol.version", Value = new AnyValue { StringValue = "1.1" } });
            point.ExplicitBounds.Add(bounds);
            point.BucketCounts.Add(Enumerable.Repeat(1UL, bounds.Length + 1));
            histogram.DataPoints.Add(point);
        }
        return Request("sdk-shaped", histogram);
    }

    private static ExportMetricsServiceRequest Request(string service, Histogram histogram) => OtlpMessages.Export(service, histogram);

    private static ulong Nanos(DateTimeOffset at) => OtlpMessages.Nanos(at);

    private static string Mb(long bytes) => $"{bytes / 1024.0 / 1024:F0} MB";

    /// <summary>Puts the section into the file between its markers (appended the first time), leaving the rest as it was.</summary>
    public static async Task WriteSectionAsync(string path, string section)
    {
        var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var start = text.IndexOf(StartMarker, StringComparison.Ordinal);
        var end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.TrimEnd() + text[(end + EndMarker.Length)..]
            : text.TrimEnd() + "\n\n" + section;
        await File.WriteAllTextAsync(path, text.TrimEnd() + "\n");
    }
}
