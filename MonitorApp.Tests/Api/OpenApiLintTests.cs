using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Api;

/// <summary>The OpenAPI document passes Redocly's recommended rules (npm @redocly/cli, installed by the test project's build).</summary>
public sealed class OpenApiLintTests(SqliteAppFixture fixture) : IClassFixture<SqliteAppFixture>
{
    private static readonly string Tools = Path.Combine(Repository.Root, "tools");

    [SkippableFact]
    public async Task TheOpenApiDocument_LintsWithoutErrors_ItsExamplesFitTheirSchemas_AndItDeclaresSecurityIdsTagsAndLicence()
    {
        var redocly = Path.Combine(Tools, "node_modules", ".bin", "redocly");
        // The build installs it (MonitorApp.Tests.csproj, NpmCiTools) with the Node.js the README requires: absent is a failure.
        Assert.True(File.Exists(redocly), $"Redocly's CLI is not installed at {redocly}: the build's NpmCiTools target should have installed it");
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

    [SkippableFact]
    public async Task EveryOperation_HasExamples_AndEachRequestExample_IsAcceptedAsItIs()
    {
        var monitor = await fixture.App.CreateTokenClientAsync(Roles.SystemMonitor);
        var document = JsonNode.Parse(await monitor.GetStringAsync("/openapi/v1.json"))!;
        var ingest = await fixture.App.CreateTokenClientAsync(Roles.Ingest);
        var admin = await fixture.App.CreateClientAsAsync(Roles.SuperAdmin);
        var sent = 0;
        foreach (var (path, operations) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject())
            {
                var id = operation!["operationId"]!.GetValue<string>();
                var answers = operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('2'))
                    .Select(r => r.Value!["content"]?["application/json"]).OfType<JsonNode>().ToList();
                Assert.All(answers, a => Assert.True(a["example"] is JsonObject, $"{id}: no example of its answer"));
                if (operation["requestBody"]?["content"]?["application/json"] is not { } body)
                    continue;
                var example = Assert.IsType<JsonObject>(body["example"], exactMatch: false);
                // Sent as it is: its times are the server's clock, so the event-time bounds take it.
                var client = path.Contains("/admin/") ? admin : ingest;
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path)
                {
                    Content = new StringContent(example.ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
                });
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{id}: {(int)response.StatusCode} {text}");
                if (answers.Count > 0)
                {
                    // The answer has the documented example's properties.
                    var documented = answers[0]["example"]!.AsObject().Select(p => p.Key).Order();
                    Assert.Equal(documented, JsonNode.Parse(text)!.AsObject().Select(p => p.Key).Order());
                }
                sent++;
            }
        }
        Assert.Equal(4, sent); // session events, request outcomes, OTLP metrics, a silence
    }
}
