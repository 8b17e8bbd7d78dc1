using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Telemetry;

/// <summary>
/// At most <see cref="TelemetryOptions.MaxServices"/> services have request rollups (this app's own counts, and is never refused). Names this instance has seen
/// stored are remembered, so a batch of known services costs no query; a new name is checked against the stored
/// services inside the writer's transaction, batches adding services taking turns.
/// </summary>
public sealed class ServiceLimit(IOptions<TelemetryOptions> options)
{
    private readonly ConcurrentDictionary<string, bool> stored = new(StringComparer.Ordinal);

    public int Max => options.Value.MaxServices;

    /// <summary>The names that would take the stored services past the limit (all the batch's new ones), or none.</summary>
    public async Task<IReadOnlyList<string>> RefusedAsync(MonitorDbContext db, IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        if (names.All(stored.ContainsKey))
            return [];
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(hashtext('monitorapp-new-services'))", cancellationToken);
        // The hour rows hold every service the minute rows do.
        var services = await db.RequestRollupHours.AsNoTracking().Select(r => r.Service).Distinct().ToListAsync(cancellationToken);
        foreach (var service in services)
            stored.TryAdd(service, true);
        var brandNew = names.Except(services, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return services.Count + brandNew.Count > Max ? brandNew : [];
    }

    /// <summary>Retention may have deleted a service's last rows: ask the database again before trusting a name.</summary>
    public void Forget() => stored.Clear();

    /// <summary>Called after a write committed: these names are stored now.</summary>
    public void Stored(IEnumerable<string> names)
    {
        foreach (var name in names)
            stored.TryAdd(name, true);
    }
}
