using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// Signing in with the cookies in the test's hands (no cookie jar): the sign-in cookie can then be copied to another client,
/// as a thief would, or sent back after the clock moved.
/// </summary>
public static class ManualCookies
{
    public static HttpClient CreateClient(MonitorAppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    /// <summary>Posts the login form and returns the sign-in cookie as a <c>Cookie</c> header value (<c>monitor.auth=…</c>).</summary>
    public static async Task<string> SignInAsync(MonitorAppFactory app, string email, string password = MonitorAppFactory.Password)
    {
        var client = CreateClient(app);
        var form = await client.GetAsync("/login");
        var antiforgery = CookiesOf(form).Single(c => c.StartsWith("monitor.af=", StringComparison.Ordinal));
        var page = await MonitorAppFactory.ParseAsync(form);
        var fields = page.QuerySelector<IHtmlFormElement>("form")!.Elements.OfType<IHtmlInputElement>()
            .Where(i => !string.IsNullOrEmpty(i.Name)).ToDictionary(i => i.Name!, i => i.Value);
        fields["Input.Email"] = email;
        fields["Input.Password"] = password;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Add("Cookie", antiforgery);
        var response = await client.SendAsync(post);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return CookiesOf(response).Single(c => c.StartsWith("monitor.auth=", StringComparison.Ordinal));
    }

    public static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string cookie, bool poll = false)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        if (poll)
        {
            // As the dashboard's timer sends it.
            request.Headers.Add("HX-Request", "true");
            request.Headers.Add("HX-Trigger", "dashboard-poll");
            request.Headers.Add("HX-Current-URL", "http://localhost/admin/dashboard");
        }
        return client.SendAsync(request);
    }

    /// <summary>The <c>name=value</c> part of each <c>Set-Cookie</c>.</summary>
    public static IEnumerable<string> CookiesOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(v => v.Split(';')[0]) : [];
}
