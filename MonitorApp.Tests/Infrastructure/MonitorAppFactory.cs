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
public class MonitorAppFactory(TestDatabase database, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null) : WebApplicationFactory<Program>
{
    public const string Password = "Correct-Horse-Battery-42";

    public TestDatabase Database => database;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseStaticWebAssets();
        builder.UseSetting("Database:Provider", database.Provider.ToString());
        builder.UseSetting("ConnectionStrings:Monitor", database.ConnectionString);
        builder.UseSetting("Database:MigrateOnStartup", "true");
        builder.UseSetting("Demo:Enabled", "false");
        // Tests never call the real providers; the ones that probe point services at a local server.
        foreach (var name in global::MonitorApp.ExternalServices.ExternalServicesOptions.ContractNames)
            builder.UseSetting($"ExternalServices:Services:{name}:Enabled", "false");
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

    public HttpClient CreateBrowserClient() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public async Task<string> CreateUserAsync(string role, string? email = null)
    {
        email ??= $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true };
        var result = await users.CreateAsync(user, Password);
        Assert.True(result.Succeeded, string.Join(" ", result.Errors.Select(e => e.Description)));
        Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
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
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password)
    {
        var page = await ParseAsync(await client.GetAsync("/login"));
        var form = page.QuerySelector<IHtmlFormElement>("form")!;
        var fields = form.Elements.OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name))
            .ToDictionary(i => i.Name!, i => i.Value);
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        return await client.PostAsync(form.GetAttribute("action") is { Length: > 0 } action ? action : "/login", new FormUrlEncodedContent(fields));
    }

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
