using System.Text.RegularExpressions;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Web;

/// <summary>The app run from its build output in an environment other than Development, as `dotnet run` with ASPNETCORE_ENVIRONMENT=Production does.</summary>
public sealed partial class BuildOutputAssetsTests
{
    [SkippableFact]
    public async Task InProduction_FromTheBuildOutput_EveryStylesheetAndScriptOfThePageHasItsContent()
    {
        var folder = Directory.CreateTempSubdirectory("monitor-assets-");
        try
        {
            await using var app = await AppProcess.StartAsync(AppProcess.ProductionSettings(folder.FullName));
            var page = await app.Client.GetStringAsync("/login");
            var assets = AssetReference().Matches(page).Select(m => m.Groups[1].Value).ToList();
            Assert.Contains(assets, a => a.EndsWith(".css"));
            Assert.Contains(assets, a => a.EndsWith(".js"));
            foreach (var asset in assets)
            {
                using var response = await app.Client.GetAsync(asset);
                var body = await response.Content.ReadAsByteArrayAsync();
                Assert.True(response.IsSuccessStatusCode && body.Length > 0, $"{asset}: {(int)response.StatusCode}, {body.Length} bytes");
                Assert.Equal(asset.EndsWith(".css") ? "text/css" : "text/javascript", response.Content.Headers.ContentType?.MediaType);
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [GeneratedRegex("""(?:href|src)="(/[^"]+\.(?:css|js))"\s""")]
    private static partial Regex AssetReference();
}
