using System.Diagnostics;
using System.Text.Json;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Pages;

/// <summary>Every page is valid HTML for the W3C Nu checker (npm vnu-jar on the machine's Java); htmx's own attributes aside.</summary>
public sealed class HtmlValidityTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly string Checker = Path.Combine(Repository.Root, "tools", "node_modules", "vnu-jar", "build", "dist", "vnu.jar");

    // htmx and its SSE extension are driven by attributes HTML does not define; everything else must be valid.
    private static bool IsHtmxAttribute(string message) =>
        System.Text.RegularExpressions.Regex.IsMatch(message, @"^Attribute “(hx|sse)-[a-z-]+” not allowed on element");

    [SkippableFact]
    public async Task EveryPage_IsValidHtml()
    {
        TestEnvironment.Require(TestEnvironment.OnPath("java") is not null, "the Nu HTML checker runs on Java 17+, and no java is on PATH: apt-get install default-jre-headless");
        // The build installs the checker (MonitorApp.Tests.csproj, NpmCiTools): absent is a failure, not a skip.
        Assert.True(File.Exists(Checker), $"the Nu HTML checker is not installed at {Checker}: the build's NpmCiTools target should have installed it");
        var app = fixture.App;
        var admin = await app.CreateClientAsAsync(Roles.SuperAdmin);
        var anonymous = app.CreateBrowserClient();
        var pages = new (string Name, HttpClient Client, string Path)[]
        {
            ("login", anonymous, "/login"),
            ("dashboard", admin, "/admin/dashboard"),
            ("wall-screen", admin, "/admin/dashboard?kiosk=1"),
            ("users", admin, "/admin/users"),
            ("tokens", admin, "/admin/tokens"),
            ("audit", admin, "/admin/audit"),
            ("password", admin, "/account/password"),
            ("mfa", admin, "/account/mfa"),
            ("access-denied", admin, "/access-denied"),
        };
        var folder = Directory.CreateTempSubdirectory("monitor-html-");
        try
        {
            foreach (var (name, client, path) in pages)
                await File.WriteAllTextAsync(Path.Combine(folder.FullName, name + ".html"), await (await client.GetAsync(path)).Content.ReadAsStringAsync()); // access-denied answers 403

            using var checker = Process.Start(new ProcessStartInfo("java", ["-jar", Checker, "--format", "json", "--exit-zero-always", .. pages.Select(p => Path.Combine(folder.FullName, p.Name + ".html"))])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var stdout = checker.StandardOutput.ReadToEndAsync();
            var report = await checker.StandardError.ReadToEndAsync();
            await checker.WaitForExitAsync();
            var problems = JsonDocument.Parse(report).RootElement.GetProperty("messages").EnumerateArray()
                .Where(m => m.GetProperty("type").GetString() == "error" || m.TryGetProperty("subType", out var sub) && sub.GetString() == "warning")
                .Select(m => $"{Path.GetFileName(m.GetProperty("url").GetString())}:{(m.TryGetProperty("lastLine", out var line) ? line.GetInt32() : 0)} {m.GetProperty("message").GetString()}")
                .Where(m => !IsHtmxAttribute(m[(m.IndexOf(' ') + 1)..]))
                .ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
