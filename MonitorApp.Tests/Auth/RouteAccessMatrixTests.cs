using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>
/// Every route of the app (and every page handler) against every kind of caller: anonymous, each role signed in, each token
/// role, and an expired token. A new route fails <see cref="EveryRoute_IsInTheMatrix"/> until its row says who may use it.
/// </summary>
public sealed class RouteAccessMatrixTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    public static readonly string[] Callers =
    [
        "anonymous", "SUPER_ADMIN", "SYSTEM_MONITOR", "CONTENT_MANAGER", "token SYSTEM_MONITOR", "token INGEST", "expired token",
        // A sign-in cookie with an Authorization header beside it: on routes a token may use the token alone is judged; on
        // routes only a person may use the cookie is, and a sign-in with a step pending is sent to that step whatever the
        // header says (issue 28: a made-up token beside such a cookie opened the administration pages).
        "SUPER_ADMIN + made-up token", "SUPER_ADMIN + token SYSTEM_MONITOR",
        "SUPER_ADMIN, password change pending + made-up token", "SUPER_ADMIN, password change pending + token SYSTEM_MONITOR",
    ];

    /// <summary>
    /// What each caller gets: a status, and where a redirect goes. "in" is any answer past access control (200, 204, a
    /// 400 or a form shown again for the empty body, a redirect elsewhere). Forms are posted with the caller's antiforgery token.
    /// </summary>
    private const string In = "in";
    private const string Login = "302 /login";
    private const string Denied = "302 /access-denied";
    private const string Step = "302 " + PendingSteps.PasswordPage;

    private sealed record Row(string Method, string Path, params string[] Expected);

    private static readonly Row[] Matrix =
    [
        //                                                           anonymous  SUPER_ADMIN SYSTEM_MON  CONTENT_MGR tok MONITOR tok INGEST  expired     SA+made-up  SA+tok MON  pending+made-up pending+tok MON
        new("GET", "/healthz",                                       In,         In,         In,         In,         In,         In,         In,         In,         In,         In,         In),
        new("GET", "/readyz",                                        In,         In,         In,         In,         In,         In,         In,         In,         In,         In,         In),
        new("GET", "/login",                                         In,         In,         In,         In,         In,         In,         In,         In,         In,         In,         In),
        new("POST", "/login",                                        In,         In,         In,         In,         In,         In,         In,         In,         In,         In,         In),
        new("GET", "/login/mfa",                                     Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login), // only after a password
        new("POST", "/login/mfa",                                    Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login),
        new("GET", "/logout",                                        In,         In,         In,         In,         In,         In,         In,         In,         In,         In,         In), // a GET signs nobody out
        new("GET", "/",                                              Login,      In,         In,         Login,      In,         Login,      Login,      Login,      In,         Login,      In),
        new("GET", "/admin/dashboard",                               Login,      In,         In,         Denied,     In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/admin/dashboard?handler=Cards",                 Login,      In,         In,         Denied,     In,         "403",      "401",      "401",      In,         "401",      In),
        new("POST", "/admin/dashboard?handler=Silence",              Login,      In,         Denied,     Denied,     "403",      "403",      "401",      "401",      "403",      "401",      "403"),
        new("GET", "/admin/dashboard/stream",                        Login,      In,         In,         Denied,     In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/admin/users",                                   Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/admin/users?handler=Add",                      Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/admin/users?handler=SetRole",                  Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/admin/users?handler=Disable",                  Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("GET", "/admin/tokens",                                  Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/admin/tokens?handler=Create",                  Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/admin/tokens?handler=Revoke",                  Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("GET", "/admin/audit",                                   Login,      In,         Denied,     Denied,     Login,      Login,      Login,      In,         In,         Step,       Step),
        new("GET", "/account/password",                              Login,      In,         In,         In,         Login,      Login,      Login,      In,         In,         In,         In),
        new("POST", "/account/password",                             Login,      In,         In,         In,         Login,      Login,      Login,      In,         In,         In,         In),
        new("GET", "/account/mfa",                                   Login,      In,         In,         In,         Login,      Login,      Login,      In,         In,         Step,       Step),
        new("POST", "/account/mfa",                                  Login,      In,         In,         In,         Login,      Login,      Login,      In,         In,         Step,       Step),
        new("GET", "/openapi/v1.json",                               Login,      In,         In,         In,         In,         In,         "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/current",                     "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/sessions",                    "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/error-rate",                  "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/services",                    "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/quality",                     "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/db-pool",                     "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/metrics/external-services",           "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/alerts",                              "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/events",                              "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("POST", "/api/admin/alerts/silences",                    "401",      In,         "403",      "403",      "403",      "403",      "401",      "401",      "403",      "401",      "403"),
        new("DELETE", "/api/admin/alerts/silences/{id}",              "401",      In,         "403",      "403",      "403",      "403",      "401",      "401",      "403",      "401",      "403"),
        new("GET", "/docs/",                                         Login,      In,         In,         In,         In,         In,         "401",      "401",      In,         "401",      In),
        new("GET", "/metrics",                                       "401",      In,         In,         "403",      In,         "403",      "401",      "401",      In,         "401",      In),
        new("GET", "/api/admin/audit",                               "401",      In,         "403",      "403",      "401",      "401",      "401",      In,         In,         "403",      "403"),
        new("POST", "/api/ingest/session-events",                    "401",      In,         "403",      "403",      "403",      In,         "401",      "401",      "403",      "401",      "403"),
        new("POST", "/api/ingest/requests",                          "401",      In,         "403",      "403",      "403",      In,         "401",      "401",      "403",      "401",      "403"),
        new("POST", "/v1/metrics",                                   "401",      In,         "403",      "403",      "403",      In,         "401",      "401",      "403",      "401",      "403"),
        // Last: it signs the caller out, and its answer is the sign-in page for everyone.
        new("POST", "/logout",                                       Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login,      Login),
    ];

    [SkippableFact]
    public void EveryRouteAndPageHandler_IsInTheMatrix()
    {
        var endpoints = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var routes = endpoints
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is null)
            .Select(e => (Methods: e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"], Path: "/" + e.RoutePattern.RawText!.TrimStart('/')))
            .Where(r => !r.Path.Contains("{**") && !System.IO.Path.HasExtension(r.Path.Replace("{documentName}.json", "", StringComparison.Ordinal)))
            .SelectMany(r => r.Methods.Where(m => m != "HEAD").Select(m => $"{m} {System.Text.RegularExpressions.Regex.Replace(r.Path.Replace("{documentName}", "v1", StringComparison.Ordinal).Replace("{documentName?}", "", StringComparison.Ordinal), @"\{(\w+):\w+\}", "{$1}")}"));
        // Pages: each handler method of each page model (OnGet, OnPostAdd…) at the page's route.
        var pages = endpoints.Select(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()).OfType<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>()
            .GroupBy(p => p.ViewEnginePath).Select(g => g.First());
        var handlers = pages.Where(p => p.ViewEnginePath != "/Account/AccessDenied").SelectMany(page =>
        {
            var model = typeof(Program).Assembly.GetType("MonitorApp.Pages" + page.ViewEnginePath.Replace('/', '.') + "Model")
                ?? throw new Xunit.Sdk.XunitException($"no page model for {page.ViewEnginePath}");
            var route = "/" + page.AttributeRouteInfo!.Template!.TrimStart('/');
            return model.GetMethods().Where(m => m.DeclaringType == model && System.Text.RegularExpressions.Regex.IsMatch(m.Name, "^On(Get|Post)"))
                .Select(m => System.Text.RegularExpressions.Regex.Match(m.Name, "^On(Get|Post)(.*?)(Async)?$"))
                .Select(h => $"{h.Groups[1].Value.ToUpperInvariant()} {route}{(h.Groups[2].Value.Length > 0 ? "?handler=" + h.Groups[2].Value : "")}");
        });
        var covered = Matrix.Select(r => $"{r.Method} {r.Path}").ToHashSet();
        Assert.Empty(routes.Concat(handlers).Distinct().Where(r => !covered.Contains(r)).Order());
    }

    [SkippableFact]
    public async Task EveryRoute_AnswersEachCaller_AsTheMatrixSays()
    {
        var app = fixture.App;
        var expiredSecret = await ExpiredTokenAsync(app);
        var clients = new HttpClient[]
        {
            app.CreateBrowserClient(),
            await app.CreateClientAsAsync(Roles.SuperAdmin),
            await app.CreateClientAsAsync(Roles.SystemMonitor),
            await app.CreateClientAsAsync(Roles.ContentManager),
            await app.CreateTokenClientAsync(Roles.SystemMonitor),
            await app.CreateTokenClientAsync(Roles.Ingest),
            Bearer(app.CreateBrowserClient(), expiredSecret),
            Bearer(await app.CreateClientAsAsync(Roles.SuperAdmin), MadeUpToken),
            Bearer(await app.CreateClientAsAsync(Roles.SuperAdmin), await app.CreateTokenAsync(Roles.SystemMonitor)),
            Bearer(await PasswordChangePendingAsync(app), MadeUpToken),
            Bearer(await PasswordChangePendingAsync(app), await app.CreateTokenAsync(Roles.SystemMonitor)),
        };
        // Each caller's antiforgery token (tied to who they are), so a form post reaches its handler and the handler's own check counts.
        var forms = new string[clients.Length];
        for (var i = 0; i < clients.Length; i++)
            forms[i] = (await MonitorAppFactory.ParseAsync(await clients[i].GetAsync("/login"))).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        // A silence for the one caller allowed to end it (SUPER_ADMIN, the first such column) to end.
        var silence = await clients[1].PostAsJsonAsync("/api/admin/alerts/silences", new { rule = "error_rate_critical", duration_minutes = 60, comment = "matrix" });
        var silenceId = System.Text.Json.JsonDocument.Parse(await silence.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetInt64();
        var wrong = new List<string>();
        foreach (var row0 in Matrix)
        {
            var row = row0 with { Path = row0.Path.Replace("{id}", silenceId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) };
            Assert.Equal(Callers.Length, row.Expected.Length);
            for (var i = 0; i < Callers.Length; i++)
            {
                var actual = Outcome(await SendAsync(clients[i], row, forms[i]));
                if (actual != row.Expected[i])
                    wrong.Add($"{row.Method} {row.Path} as {Callers[i]}: expected {row.Expected[i]}, got {actual}");
            }
        }
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Row row, string antiforgery)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), row.Path);
        if (row.Method == "POST")
        {
            request.Content = row.Path.StartsWith("/api/", StringComparison.Ordinal) || row.Path.StartsWith("/v1/", StringComparison.Ordinal)
                ? new StringContent("{}", Encoding.UTF8, "application/json")
                : new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = antiforgery });
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        // The live stream never ends by itself: its headers are enough.
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
    }

    private static string Outcome(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        // A crash, a route that is not there or a method it does not take is never "in".
        if (status is 401 or 403 or 404 or 405 || status >= 500)
            return status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (status == 302 && response.Headers.Location is { } location)
        {
            var path = location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0];
            if (path is "/login" or "/access-denied" or PendingSteps.PasswordPage or PendingSteps.MfaPage)
                return $"302 {path}";
        }
        response.Dispose();
        return In;
    }

    private const string MadeUpToken = "junk";

    /// <summary>A SUPER_ADMIN signed in with a password someone else chose: every page but the password page sends them there.</summary>
    private static async Task<HttpClient> PasswordChangePendingAsync(MonitorAppFactory app)
    {
        var email = await app.CreateUserAsync(Roles.SuperAdmin);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<MonitorApp.Data.AppUser>>();
            var user = await users.FindByEmailAsync(email);
            user!.MustChangePassword = true;
            Assert.True((await users.UpdateAsync(user)).Succeeded);
        }
        var client = app.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password)).StatusCode);
        Assert.Equal(PendingSteps.PasswordPage, (await client.GetAsync("/admin/users")).Headers.Location?.OriginalString);
        return client;
    }

    private static HttpClient Bearer(HttpClient client, string secret)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return client;
    }

    private static async Task<string> ExpiredTokenAsync(MonitorAppFactory app)
    {
        var secret = ApiToken.NewSecret();
        await app.WithDbAsync(async db =>
        {
            db.ApiTokens.Add(new ApiToken { Name = $"expired-{Guid.NewGuid():N}", Role = Roles.SystemMonitor, TokenHash = ApiToken.Hash(secret), CreatedAt = DateTime.UtcNow.AddDays(-91), ExpiresAt = DateTime.UtcNow.AddDays(-1) });
            await db.SaveChangesAsync();
        });
        return secret;
    }
}
