using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http.HttpResults;

namespace MonitorApp.Kernel;

/// <summary>What this instance's ingestion routes took in since it started: items accepted and batches refused, per route (for <c>/metrics</c>).</summary>
public sealed class IngestionCounters
{
    private readonly ConcurrentDictionary<string, long> accepted = new();
    private readonly ConcurrentDictionary<string, long> refused = new();

    public IReadOnlyDictionary<string, long> Accepted => accepted;
    public IReadOnlyDictionary<string, long> RefusedBatches => refused;

    public void Add(string route, long items) => accepted.AddOrUpdate(route, items, (_, n) => n + items);

    public void Refuse(string route) => refused.AddOrUpdate(route, 1, (_, n) => n + 1);

    /// <summary>Counts every answer of the group it is added to: an accepted batch by its items, anything else as a refused batch.</summary>
    public static TBuilder CountIngestion<TBuilder>(TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var result = await next(context);
            var route = context.HttpContext.Request.Path.Value?.Split('/').LastOrDefault() ?? "unknown";
            var counters = context.HttpContext.RequestServices.GetRequiredService<IngestionCounters>();
            if ((result is INestedHttpResult nested ? nested.Result : result) is Ok<IngestAccepted> ok)
                counters.Add(route, ok.Value!.Accepted);
            else
                counters.Refuse(route);
            return result;
        });
}
