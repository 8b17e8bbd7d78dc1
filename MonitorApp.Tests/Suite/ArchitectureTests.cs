using ArchUnitNET.Domain;
using ArchUnitNET.Domain.Extensions;
using ArchUnitNET.Fluent.Slices;
using ArchUnitNET.Loader;

namespace MonitorApp.Tests.Suite;

public sealed class ArchitectureTests
{
    private static readonly Architecture App = new ArchLoader().LoadAssemblies(typeof(Program).Assembly).Build();

    static string Top(string ns) { var p = ns.Split('.'); return p.Length > 1 && p[0] == "MonitorApp" ? p[1] : ""; }

    [SkippableFact]
    public void Explore()
    {
        var edges = new Dictionary<(string, string), HashSet<string>>();
        foreach (var t in App.Types)
        {
            var from = t.Namespace?.FullName is { } fn ? Top(fn) : "";
            if (from == "") continue;
            foreach (var d in t.Dependencies.Where(d => d is not null))
            {
                var to = d.Target?.Namespace?.FullName is { } tn ? Top(tn) : "";
                if (to == "" || to == from) continue;
                if (!edges.TryGetValue((from, to), out var s)) edges[(from, to)] = s = [];
                s.Add(t.Name + "->" + d.Target!.Name);
            }
        }
        var lines = edges.OrderBy(e => e.Key).Select(e => $"{e.Key.Item1} -> {e.Key.Item2}{(edges.ContainsKey((e.Key.Item2, e.Key.Item1)) ? "  [BOTH]" : "")}: {string.Join(", ", e.Value.Take(6))}");
        File.WriteAllLines("/tmp/edges.txt", lines);
    }
}
