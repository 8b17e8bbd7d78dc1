using MonitorApp.Quality;
using MonitorApp.Sessions;
using MonitorApp.Telemetry;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using MonitorApp.Auth;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MonitorApp.Tests.Api;

/// <summary>
/// Property-based fuzzing (CsCheck) of everything a caller can send: both ingestion routes, the sign-in form and every
/// query parameter — over 2,000 generated inputs a run. Never a 5xx; nothing stored from a refused batch; the app still
/// ready afterwards. On SQLite and on PostgreSQL (which refuses what SQLite stores: a NUL byte, say). A failure prints
/// CsCheck's seed (set CsCheck_Seed to replay it) and the input.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int SessionBodies = 700, OutcomeBodies = 500, SignIns = 300, Queries = 600, OtlpExports = 400;

    private static async Task<IsolatedApp> StartAsync(DatabaseProvider provider) => await IsolatedApp.StartAsync(provider, new Dictionary<string, string?>
    {
        // The fuzzer is one very busy caller; the limits themselves are tested in RateLimitTests.
        ["RateLimits:IngestPerTokenPerMinute"] = "1000000",
        ["RateLimits:FailedTokensPerAddressPerMinute"] = "1000000",
        ["RateLimits:ReadyzPerAddressPerMinute"] = "1000000",
        ["Telemetry:MaxServices"] = "1000", // hostile exports name many services; the trusted one must never be the one refused
    });

    private static void AssertNo5xx(HttpResponseMessage response, string body)
    {
        if ((int)response.StatusCode >= 500)
            throw new Xunit.Sdk.XunitException($"{(int)response.StatusCode} for {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string route, FuzzBody body, string id)
    {
        var content = new ByteArrayContent(body.Bytes(id));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
        var response = await client.PostAsync(route, content);
        AssertNo5xx(response, await response.Content.ReadAsStringAsync());
        return response;
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SessionEvents_AnyBody_NeverA5xx_AndARefusedBatchStoresNothing(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var refused = new ConcurrentBag<string>();
        var accepted = new ConcurrentBag<string>();
        var next = 0;
        await FuzzInputs.SessionEventBodies.SampleAsync(async body =>
        {
            var id = $"f{Interlocked.Increment(ref next)}";
            var response = await PostAsync(app.Ingest, "/api/ingest/session-events", body, id);
            (response.IsSuccessStatusCode ? accepted : refused).Add(id);
        }, iter: SessionBodies, threads: 1, print: b => b.ToString(), writeLine: output.WriteLine);

        var stored = (await app.App.WithDbAsync(db => db.Sessions.Select(s => s.SessionId).ToListAsync()))
            .Select(s => s[..s.IndexOf('-')]).ToHashSet();
        Assert.Empty(stored.Intersect(refused));
        var windows = (await app.App.WithDbAsync(db => db.SessionStats.Select(s => s.SessionId).Distinct().ToListAsync()))
            .Select(s => s[..s.IndexOf('-')]).ToHashSet();
        Assert.Empty(windows.Intersect(refused));
        output.WriteLine($"{accepted.Count} batches accepted, {refused.Count} refused");
        Assert.True(accepted.Count > SessionBodies / 20, $"only {accepted.Count} of {SessionBodies} generated batches were valid: the generator tests little but refusals");
        Assert.Equal(HttpStatusCode.OK, (await app.App.CreateBrowserClient().GetAsync("/readyz")).StatusCode);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task RequestOutcomes_AnyBody_NeverA5xx_AndOnlyAcceptedBatchesAreCounted(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        long acceptedOutcomes = 0;
        var accepted = 0;
        await FuzzInputs.RequestOutcomeBodies.SampleAsync(async body =>
        {
            var response = await PostAsync(app.Ingest, "/api/ingest/requests", body, "unused");
            if (response.IsSuccessStatusCode)
            {
                var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Interlocked.Add(ref acceptedOutcomes, json.GetProperty("accepted").GetInt32());
                Interlocked.Increment(ref accepted);
            }
        }, iter: OutcomeBodies, threads: 1, print: b => b.ToString(), writeLine: output.WriteLine);

        Assert.Equal(acceptedOutcomes, await app.App.WithDbAsync(db => db.RequestRollups.SumAsync(r => r.Requests)));
        output.WriteLine($"{accepted} batches ({acceptedOutcomes} outcomes) accepted of {OutcomeBodies}");
        Assert.True(accepted > OutcomeBodies / 20, $"only {accepted} of {OutcomeBodies} generated batches were valid");
        Assert.Equal(HttpStatusCode.OK, (await app.App.CreateBrowserClient().GetAsync("/readyz")).StatusCode);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task SignInForm_AnyFields_NeverA5xx_AndNeverRedirectsOffTheSite(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var inputs = Gen.Select(Gen.Frequency((1, Gen.Const(email)), (3, FuzzInputs.Text)), Gen.Frequency((1, Gen.Const(MonitorAppFactory.Password)), (3, FuzzInputs.Text)),
            FuzzInputs.ReturnUrl, Gen.Bool, Gen.Bool);
        await inputs.SampleAsync(async (user, password, returnUrl, withToken, inQuery) =>
        {
            var client = app.App.CreateBrowserClient();
            var form = await MonitorAppFactory.ParseAsync(await client.GetAsync("/login"));
            var fields = new List<KeyValuePair<string, string>> { new("Input.Email", user), new("Input.Password", password) };
            if (withToken)
                fields.Add(new("__RequestVerificationToken", form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!));
            var target = "/login";
            if (returnUrl is not null && inQuery)
                target += "?ReturnUrl=" + Uri.EscapeDataString(returnUrl.Replace('\uD800', '?').Replace('\uDFFF', '?'));
            else if (returnUrl is not null)
                fields.Add(new("ReturnUrl", returnUrl));
            var response = await client.PostAsync(target, new FormUrlEncodedContent(fields));
            AssertNo5xx(response, await response.Content.ReadAsStringAsync());
            if (response.StatusCode == HttpStatusCode.Redirect)
            {
                var location = response.Headers.Location!.OriginalString;
                Assert.True(location.StartsWith('/') && !location.StartsWith("//") && !location.StartsWith("/\\"), $"redirected off the site to '{location}'");
            }
        }, iter: SignIns, threads: 1, writeLine: output.WriteLine);
        Assert.Equal(HttpStatusCode.OK, (await app.App.CreateBrowserClient().GetAsync("/readyz")).StatusCode);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryQueryParameter_AnyValue_NeverA5xx(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        var admin = await app.App.CreateClientAsAsync(Roles.SuperAdmin);
        admin.DefaultRequestHeaders.Add("HX-Request", "true");
        var anonymous = app.App.CreateBrowserClient();
        // Every route that reads the query string, with the parameter it reads, and one it does not.
        (HttpClient Client, string Path, string Parameter)[] routes =
        [
            (app.Monitor, "/api/admin/metrics/sessions", "window"),
            (app.Monitor, "/api/admin/metrics/error-rate", "hours"),
            (app.Monitor, "/api/admin/metrics/current", "window"),
            (app.Monitor, "/api/admin/metrics/db-pool", "x"),
            (app.Monitor, "/api/admin/metrics/external-services", "x"),
            (admin, "/admin/dashboard", "handler"),
            (app.Monitor, "/api/admin/metrics/error-rate", "service"),
            (app.Monitor, "/api/admin/metrics/services", "window"),
            (app.Monitor, "/api/admin/metrics/quality", "window"),
            (admin, "/admin/dashboard", "window"),
            (admin, "/admin/dashboard", "range"),
            (admin, "/admin/dashboard", "service"),
            (admin, "/admin/dashboard", "kiosk"),
            (admin, "/api/admin/audit", "action"),
            (admin, "/api/admin/audit", "page"),
            (admin, "/admin/audit", "p"),
            (admin, "/admin/tokens", "handler"),
            (admin, "/admin/users", "handler"),
            (anonymous, "/login", "ReturnUrl"),
            (anonymous, "/access-denied", "ReturnUrl"),
            (anonymous, "/", "handler"),
        ];
        var inputs = Gen.Select(Gen.Int[0, routes.Length - 1], FuzzInputs.QueryValue, FuzzInputs.QueryValue, Gen.Int[0, 3]);
        await inputs.SampleAsync(async (route, value, second, shape) =>
        {
            var (client, path, parameter) = routes[route];
            var query = shape switch
            {
                0 => $"{parameter}={value}&{parameter}={second}", // the parameter twice
                1 => $"{value}={second}",                         // a parameter named by the value
                2 => $"handler=Cards&{parameter}={value}",
                _ => $"{parameter}={value}",
            };
            var response = await client.GetAsync($"{path}?{query}");
            AssertNo5xx(response, await response.Content.ReadAsStringAsync());
        }, iter: Queries, threads: 1, writeLine: output.WriteLine);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
    }

    [SkippableTheory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task OtlpExports_AnyMessageEncodingAndCompression_NeverA5xx_AndWhatIsAcceptedWholeIsCountedExactly(DatabaseProvider provider)
    {
        await using var app = await StartAsync(provider);
        long expected = 0;
        var whole = 0;
        await FuzzInputs.OtlpExports.SampleAsync(async export =>
        {
            var content = new ByteArrayContent(export.Bytes());
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(export.ContentType);
            if (export.Gzip)
                content.Headers.ContentEncoding.Add("gzip");
            var response = await app.Ingest.PostAsync("/v1/metrics", content);
            AssertNo5xx(response, export.ToString());
            // An intact export of well-formed delta points of the one trusted service is taken whole: its counts must all be there.
            if (export.Trusted && response.StatusCode == HttpStatusCode.OK)
            {
                var answer = export.Json
                    ? JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("partialSuccess", out _)
                    : global::MonitorApp.Telemetry.Otlp.Proto.ExportMetricsServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).PartialSuccess is not null;
                Assert.False(answer, $"a well-formed export was partly refused: {export}");
                Interlocked.Add(ref expected, export.TrustedCount);
                Interlocked.Increment(ref whole);
            }
        }, iter: OtlpExports, threads: 1, print: e => e.ToString(), writeLine: output.WriteLine);

        Assert.Equal(expected, await app.App.WithDbAsync(db => db.RequestRollups.Where(r => r.Service == FuzzInputs.TrustedService).SumAsync(r => r.Requests)));
        output.WriteLine($"{whole} well-formed exports taken whole of {OtlpExports}");
        Assert.True(whole > OtlpExports / 20, $"only {whole} of {OtlpExports} generated exports were well-formed and intact");
        Assert.Equal(HttpStatusCode.OK, (await app.App.CreateBrowserClient().GetAsync("/readyz")).StatusCode);
    }
}
