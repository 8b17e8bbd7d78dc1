using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace MonitorApp.Tests.Suite;

/// <summary>
/// Dependencies point one way (issue 27): the shared kernel (<c>MonitorApp.Kernel</c>) and <c>Data</c> at the bottom, the
/// features above them, the pages, the API surface and the CLI on top — and no two top-level folders use each other, directly
/// or round a longer loop. No exemptions: a loop is removed by moving shared vocabulary down, never by listing it here.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Lazy<Architecture> App = new(() => new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build());

    /// <summary>The top-level folder (<c>MonitorApp.X</c>, sub-namespaces included) of each app type that uses another folder's type.</summary>
    private static Dictionary<string, Dictionary<string, SortedSet<string>>> FolderGraph()
    {
        static string? Folder(string? ns) =>
            ns?.Split('.') is ["MonitorApp", var folder, ..] ? folder : null;
        var graph = new Dictionary<string, Dictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        foreach (var type in App.Value.Types)
        {
            if (Folder(type.Namespace?.FullName) is not { } from)
                continue;
            foreach (var dependency in type.Dependencies)
            {
                if (Folder(dependency?.Target?.Namespace?.FullName) is not { } to || to == from)
                    continue;
                var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new(StringComparer.Ordinal);
                (edges.TryGetValue(to, out var why) ? why : edges[to] = new(StringComparer.Ordinal)).Add($"{type.Name} -> {dependency!.Target.Name}");
            }
        }
        return graph;
    }

    /// <summary>The folders that reach each other (strongly connected components of more than one folder), by Tarjan's algorithm.</summary>
    internal static List<List<string>> Loops(IReadOnlyDictionary<string, Dictionary<string, SortedSet<string>>> graph)
    {
        var index = new Dictionary<string, int>(); var low = new Dictionary<string, int>();
        var stack = new Stack<string>(); var onStack = new HashSet<string>(); var loops = new List<List<string>>();
        void Visit(string v)
        {
            index[v] = low[v] = index.Count;
            stack.Push(v); onStack.Add(v);
            foreach (var w in graph.TryGetValue(v, out var edges) ? edges.Keys.ToList() : [])
            {
                if (!index.ContainsKey(w)) { Visit(w); low[v] = Math.Min(low[v], low[w]); }
                else if (onStack.Contains(w)) low[v] = Math.Min(low[v], index[w]);
            }
            if (low[v] != index[v])
                return;
            var component = new List<string>();
            string x;
            do { x = stack.Pop(); onStack.Remove(x); component.Add(x); } while (x != v);
            if (component.Count > 1)
                loops.Add(component.Order(StringComparer.Ordinal).ToList());
        }
        foreach (var v in graph.Keys.Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(v))
                Visit(v);
        }
        return loops;
    }

    [SkippableFact]
    public void TheTopLevelFolders_DependOnEachOtherWithoutALoop()
    {
        var graph = FolderGraph();
        Assert.True(graph.Count >= 10, $"only {graph.Count} folders with dependencies were found: the loader did not read the app");
        var loops = Loops(graph);
        Assert.True(loops.Count == 0, "folders that use each other round a loop:\n" + string.Join("\n", loops.Select(loop =>
            string.Join(", ", loop) + ":\n  " + string.Join("\n  ", loop.SelectMany(from => graph[from].Where(e => loop.Contains(e.Key))
                .Select(e => $"{from} -> {e.Key}: {string.Join("; ", e.Value.Take(4))}"))))));
    }

    [SkippableFact]
    public void TheLoopFinder_FindsALoopRoundThreeFolders()
    {
        static Dictionary<string, SortedSet<string>> To(params string[] folders) => folders.ToDictionary(f => f, _ => new SortedSet<string> { "x" });
        var graph = new Dictionary<string, Dictionary<string, SortedSet<string>>>
        {
            ["Sessions"] = To("Quality", "Kernel"), ["Quality"] = To("Metrics"), ["Metrics"] = To("Sessions"), ["Alerts"] = To("Metrics"),
        };
        Assert.Equal(["Metrics", "Quality", "Sessions"], Assert.Single(Loops(graph)));
        graph["Metrics"] = To("Kernel");
        Assert.Empty(Loops(graph));
    }

    [SkippableFact]
    public void TheKernel_DependsOnNoFeature()
    {
        var features = App.Value.Types
            .Where(t => t.Namespace?.FullName == "MonitorApp.Kernel")
            .SelectMany(t => t.Dependencies.Where(d => d?.Target?.Namespace?.FullName is { } ns
                && ns.StartsWith("MonitorApp.", StringComparison.Ordinal) && ns != "MonitorApp.Kernel")
                .Select(d => $"{t.Name} -> {d.Target.FullName}"))
            .Distinct().ToList();
        Assert.True(features.Count == 0, "the kernel uses features: " + string.Join(", ", features));
    }

    [SkippableFact]
    public void TheDataFolder_KnowsNoFeature()
    {
        var allowed = new[] { "MonitorApp.Data", "MonitorApp.Kernel" };
        var features = App.Value.Types
            .Where(t => t.Namespace?.FullName is { } ns && ns.StartsWith("MonitorApp.Data", StringComparison.Ordinal))
            .SelectMany(t => t.Dependencies.Where(d => d?.Target?.Namespace?.FullName is { } ns
                && ns.StartsWith("MonitorApp.", StringComparison.Ordinal) && !allowed.Any(a => ns.StartsWith(a, StringComparison.Ordinal)))
                .Select(d => $"{t.Name} -> {d.Target.FullName}"))
            .Distinct().ToList();
        Assert.True(features.Count == 0, "Data uses features: " + string.Join(", ", features));
    }
}
