using System.Net.Http.Headers;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
using MonitorApp.Data;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>The real app, in-process, on a database of its own. Signs in through the real login form.</summary>
public class MonitorAppFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null,
    string environment = "Testing") : WebApplicationFactory<Program>
{
    public const string Password = "Correct-Horse-Battery-42";

    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Monitor", database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        // Tests never call the real providers; the ones that probe point services at a local server.
        foreach (var name in global::MonitorApp.ExternalServices.ExternalServicesOptions.ContractNames)
            builder.UseSetting($"ExternalServices:Services:{name}:Enabled", "false");
        // In-process requests come from no address, so every test shares one per-address partition: those limits are
        // tested with their own settings (RateLimitTests), not met by accident.
        builder.UseSetting("RateLimits:FailedTokensPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:ReadyzPerAddressPerMinute", "1000000");
        builder.UseSetting("RateLimits:SignInsPerAddressPerMinute", "1000000");
        // Tests sign in as a SUPER_ADMIN with a password alone; MfaTests turn the requirement on.
        builder.UseSetting("Auth:RequireMfaForSuperAdmin", "false");
        builder.UseSetting("Memory:TrimAfterBursts", "false"); // process-wide; many hosts share a test process
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            builder.UseSetting(key, value);
        if (time is not null)
        {
            builder.ConfigureTestServices(services =>
            {
                services.RemoveAll<TimeProvider>();
                services.AddSingleton(time);
            });
        }
    }

    /// <summary>
    /// Starts the app and waits for its start-up work that runs beside the first requests: hearing other
    /// instances (PostgreSQL LISTEN; until then a notification could be missed, and connecting clears the
    /// access caches) and the first rounds of retention, alert delivery and the alert board (their queries
    /// would land in a test's query count).
    /// </summary>
    public async Task StartedAsync()
    {
        _ = Server;
        await Services.GetRequiredService<global::MonitorApp.Data.ClusterNotifications>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
        await Services.GetRequiredService<global::MonitorApp.Data.Retention>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
        await Services.GetRequiredService<global::MonitorApp.Alerts.AlertDelivery>().FirstRound.WaitAsync(TimeSpan.FromSeconds(30));
        await Services.GetRequiredService<global::MonitorApp.Alerts.AlertBoard>().FirstRead.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<string> CreateUserAsync(string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        await using var scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<UserAdminService>().AddAsync(email, role, Password);
        return email;
    }

    /// <summary>A cookie-holding client signed in as a new user with <paramref name="role"/>.</summary>
    public async Task<HttpClient> CreateClientAsAsync(string role)
    {
        var email = await CreateUserAsync(role);
        var client = CreateBrowserClient();
        var response = await LoginAsync(client, email, Password);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public async Task<string> CreateTokenAsync(string role, string? name = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var secret = await scope.ServiceProvider.GetRequiredService<ApiTokenService>()
            .CreateAsync(name ?? $"token-{Guid.NewGuid():N}", role, CancellationToken.None);
        return secret!;
    }

    public async Task<HttpClient> CreateTokenClientAsync(string role)
    {
        var client = CreateBrowserClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateTokenAsync(role));
        return client;
    }

    /// <summary>Fills in and posts the login form, antiforgery token included, as a browser would.</summary>
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password) =>
        await client.SubmitFormAsync(await ParseAsync(await client.GetAsync("/login")), "form",
            new() { ["Input.Email"] = email, ["Input.Password"] = password });

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response) =>
        await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    public async Task WithDbAsync(Func<MonitorDbContext, Task> action)
    {
        await using var scope = Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<MonitorDbContext>());
    }

    public async Task<T> WithDbAsync<T>(Func<MonitorDbContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<MonitorDbContext>());
    }
}

/// <summary>Requests as a browser sends them: form posts, and htmx's own requests.</summary>
public static class BrowserRequests
{
    /// <summary>Posts a form of <paramref name="page"/>: its own fields (the antiforgery token among them) with <paramref name="values"/> filled in.</summary>
    public static async Task<HttpResponseMessage> SubmitFormAsync(this HttpClient client, IHtmlDocument page, string formSelector, Dictionary<string, string> values)
    {
        var form = page.QuerySelector<IHtmlFormElement>(formSelector) ?? throw new Xunit.Sdk.XunitException($"no form matches {formSelector}");
        var fields = form.Elements.OfType<IHtmlInputElement>().Where(i => !string.IsNullOrEmpty(i.Name)).ToDictionary(i => i.Name!, i => i.Value);
        foreach (var select in form.Elements.OfType<IHtmlSelectElement>().Where(s => !string.IsNullOrEmpty(s.Name)))
            fields[select.Name!] = select.Value ?? "";
        foreach (var (name, value) in values)
        {
            Assert.True(fields.ContainsKey(name), $"the form has no field {name}");
            fields[name] = value;
        }
        // Forms with a handler carry their action; the login form posts back to /login.
        var action = form.GetAttribute("action") is { Length: > 0 } a ? a : "/login";
        return await client.PostAsync(action, new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// A POST as htmx sends it from <paramref name="page"/>: form fields, HX-Request, and the antiforgery token in the header
    /// the page's <c>htmx-config</c> meta names (as the htmx antiforgery script does).
    /// </summary>
    public static Task<HttpResponseMessage> HtmxPostAsync(this HttpClient client, IHtmlDocument page, string path, Dictionary<string, string> fields)
    {
        var config = System.Text.Json.JsonDocument.Parse(page.QuerySelector("meta[name=htmx-config]")!.GetAttribute("content")!).RootElement.GetProperty("antiForgery");
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add(config.GetProperty("headerName").GetString()!, config.GetProperty("requestToken").GetString());
        return client.SendAsync(request);
    }

    /// <summary>A GET as htmx sends it from a page (<paramref name="fromPath"/>): with HX-Request and HX-Current-URL.</summary>
    public static Task<HttpResponseMessage> HtmxGetAsync(this HttpClient client, string path, string fromPath = "/admin/dashboard")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("HX-Request", "true");
        request.Headers.Add("HX-Current-URL", "http://localhost" + fromPath);
        return client.SendAsync(request);
    }
}
