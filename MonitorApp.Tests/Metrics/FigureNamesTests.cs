using System.Reflection;
using System.Text.Json;
using MonitorApp.Metrics;

namespace MonitorApp.Tests.Metrics;

public sealed class FigureNamesTests
{
    /// <summary>FigureNames repeats JSON names by hand (they key the unknown reasons); they must stay the API's names.</summary>
    [SkippableFact]
    public void EveryFigureName_IsAFieldOfTheCurrentMetricsJson()
    {
        var json = JsonSerializer.SerializeToElement(
            new CurrentMetrics(0, "good", 0, 0, 0, 0, "healthy", 0, 0, 0, "Sqlite", [], 0, DateTime.UnixEpoch, false, 0, null, new Dictionary<string, string>()),
            new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        var fields = json.EnumerateObject().Select(p => p.Name).ToHashSet();

        var names = typeof(FigureNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.Name != nameof(FigureNames.Unknown))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Equal(8, names.Count);
        Assert.All(names, name => Assert.Contains(name, fields));
    }
}
