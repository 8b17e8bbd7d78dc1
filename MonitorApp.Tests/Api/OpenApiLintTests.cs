using System.Diagnostics;
using System.Text.Json;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Api;

/// <summary>The OpenAPI document passes Redocly's recommended rules (npm @redocly/cli, installed by <c>npm ci --prefix tools</c>).</summary>
public sealed class OpenApiLintTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly string Tools = Path.Combine(Repository.Root, "tools");

    [Fact]
    public async Task TheOpenApiDocument_LintsWithoutErrors_AndDeclaresSecurityIdsTagsAndLicence()
    {
        var redocly = Path.Combine(Tools, "node_modules", ".bin", "redocly");
        TestEnvironment.Require(File.Exists(redocly), $"Redocly's CLI is not installed at {redocly}: npm ci --prefix tools");
        var client = await fixture.App.CreateTokenClientAsync(Roles.SystemMonitor);
        var json = await client.GetStringAsync("/openapi/v1.json");

        var document = JsonDocument.Parse(json).RootElement;
        Assert.Equal(["bearer", "cookie"], document.GetProperty("components").GetProperty("securitySchemes").EnumerateObject().Select(s => s.Name).Order());
        var operations = document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).ToList();
        Assert.All(operations, o => Assert.False(string.IsNullOrEmpty(o.Value.GetProperty("operationId").GetString())));
        Assert.All(operations, o => Assert.False(string.IsNullOrEmpty(o.Value.GetProperty("summary").GetString())));
        Assert.Equal(operations.Count, operations.Select(o => o.Value.GetProperty("operationId").GetString()).Distinct().Count());
        Assert.All(document.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString())));
        Assert.True(document.GetProperty("info").TryGetProperty("license", out _));

        var file = Path.Combine(Path.GetTempPath(), $"monitor-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, json);
        try
        {
            using var lint = Process.Start(new ProcessStartInfo(redocly, ["lint", file, "--format=stylish"])
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Tools,
            })!;
            var output = lint.StandardOutput.ReadToEndAsync();
            var errors = await lint.StandardError.ReadToEndAsync();
            await lint.WaitForExitAsync();
            Assert.True(lint.ExitCode == 0, $"redocly lint: exit {lint.ExitCode}\n{await output}\n{errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
