using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;
using MonitorApp.Metrics;

namespace MonitorApp.ExternalServices;

/// <summary>One service as the dashboard and the API show it. Null figures are unknown; <see cref="Unknown"/> says why.</summary>
public sealed record ExternalServiceFigures(
    string Name,
    string DisplayName,
    string? Kind,
    string Status,
    string Detail,
    DateTime? LastCheckedAt,
    int? LastLatencyMs,
    DateTime? StatusSince,
    int ConsecutiveFailures,
    IReadOnlyDictionary<string, double?> UptimePercent,
    IReadOnlyDictionary<string, string> Unknown,
    ServiceHistory? History = null);

/// <summary>
/// Reads the stored checks into <see cref="ExternalServiceFigures"/>. Checks arrive once a round, so
/// the four queries over the history (latest check per service, uptime counts over 30 days) run only
/// when a new check was stored or a round's time has passed; otherwise one primary-key lookup says
/// nothing changed. Called by the snapshot service, one refresh at a time.
/// </summary>
public sealed class ExternalServiceReader(IOptions<ExternalServicesOptions> options)
{
    private sealed record UptimeCounts(string Service, int Up24h, int Half24h, int All24h, int Up7d, int Half7d, int All7d, int Up30d, int Half30d, int All30d);

    private (long? MaxId, DateTime At, Dictionary<string, ServiceCheck> Latest, Dictionary<string, UptimeCounts> Counts,
        Dictionary<string, ServiceHistory> Histories)? cache;

    /// <summary>The windows uptime is given for (24h, 7d, 30d in the JSON).</summary>
    public static readonly MetricsWindow[] UptimeWindows = [MetricsWindow.Day, MetricsWindow.Week, MetricsWindow.Month];

    /// <summary>The detail of a service no check has been stored for.</summary>
    public const string NotCheckedYet = "not checked yet";

    public async Task<IReadOnlyList<ExternalServiceFigures>> ReadAsync(MonitorDbContext db, DateTime now, CancellationToken ct)
    {
        var current = options.Value;
        var maxId = await db.ServiceChecks.MaxAsync(c => (long?)c.Id, ct);
        if (cache is not { } c || c.MaxId != maxId || now - c.At >= TimeSpan.FromSeconds(current.IntervalSeconds) || now < c.At)
        {
            cache = c = (maxId, now, await ExternalServiceProber.LatestChecks(db).ToDictionaryAsync(x => x.Service, ct), await CountAsync(db, now, ct),
                await ServiceHistory.ReadAsync(db, Names(current), now, ct));
        }
        return Build(now, current, c.Latest, c.Counts).Select(f => f with { History = c.Histories.GetValueOrDefault(f.Name) }).ToList();
    }

    /// <summary>
    /// Statuspage's rule: operational counts as up, degraded as half up, down as not up. Checks before a
    /// service's first status (unknown) are left out rather than counted either way.
    /// </summary>
    private static async Task<Dictionary<string, UptimeCounts>> CountAsync(MonitorDbContext db, DateTime now, CancellationToken ct)
    {
        var (c24h, c7d, c30d) = (now - UptimeWindows[0].Length(), now - UptimeWindows[1].Length(), now - UptimeWindows[2].Length());
        const string up = ServiceStatus.Operational, half = ServiceStatus.Degraded, unknown = ServiceStatus.Unknown;
        return await db.ServiceChecks.AsNoTracking()
            .Where(c => c.CheckedAt >= c30d && c.CheckedAt <= now && c.Status != unknown)
            .GroupBy(c => c.Service)
            .Select(g => new UptimeCounts(
                g.Key,
                g.Count(c => c.CheckedAt >= c24h && c.Status == up),
                g.Count(c => c.CheckedAt >= c24h && c.Status == half),
                g.Count(c => c.CheckedAt >= c24h),
                g.Count(c => c.CheckedAt >= c7d && c.Status == up),
                g.Count(c => c.CheckedAt >= c7d && c.Status == half),
                g.Count(c => c.CheckedAt >= c7d),
                g.Count(c => c.Status == up),
                g.Count(c => c.Status == half),
                g.Count()))
            .ToDictionaryAsync(r => r.Service, ct);
    }

    private static IReadOnlyList<ExternalServiceFigures> Build(DateTime now, ExternalServicesOptions options,
        Dictionary<string, ServiceCheck> latest, Dictionary<string, UptimeCounts> counts)
    {
        // A check older than three rounds means nobody is probing: its status is history, not the present.
        var staleAfter = TimeSpan.FromSeconds(options.IntervalSeconds * 3 + options.TimeoutSeconds);
        var result = new List<ExternalServiceFigures>();
        foreach (var name in Names(options))
        {
            options.Services.TryGetValue(name, out var service);
            var notProbed = service is null ? "not configured (no entry under ExternalServices:Services)" : service.NotProbedReason();
            if (notProbed is not null)
            {
                result.Add(AllUnknown(name, service, notProbed));
                continue;
            }
            var displayName = DisplayName(name, service);
            var missing = new Dictionary<string, string>();

            var uptime = new Dictionary<string, double?>();
            counts.TryGetValue(name, out var n);
            foreach (var (window, all, upCount, halfCount) in new[]
            {
                (UptimeWindows[0].Name(), n?.All24h ?? 0, n?.Up24h ?? 0, n?.Half24h ?? 0),
                (UptimeWindows[1].Name(), n?.All7d ?? 0, n?.Up7d ?? 0, n?.Half7d ?? 0),
                (UptimeWindows[2].Name(), n?.All30d ?? 0, n?.Up30d ?? 0, n?.Half30d ?? 0),
            })
            {
                uptime[window] = all == 0 ? null : Math.Round((upCount + halfCount / 2.0) * 100 / all, 2);
                if (all == 0)
                    missing[$"uptime_{window}"] = $"no check with a known status in the last {window}";
            }

            if (!latest.TryGetValue(name, out var last))
            {
                missing["status"] = NotCheckedYet;
                result.Add(new ExternalServiceFigures(name, displayName, service!.Kind, ServiceStatus.Unknown, NotCheckedYet,
                    null, null, null, 0, uptime, missing));
                continue;
            }
            var status = last.Status;
            var detail = last.Detail;
            if (now - last.CheckedAt > staleAfter)
            {
                status = ServiceStatus.Unknown;
                detail = $"no check for {Format.Age(now - last.CheckedAt)} (is the prober running?); last: {last.Status}, {last.Detail}";
                missing["status"] = detail;
            }
            else if (status == ServiceStatus.Unknown)
            {
                missing["status"] = "no check has succeeded yet";
            }
            result.Add(new ExternalServiceFigures(name, displayName, service!.Kind, status, detail,
                last.CheckedAt, last.LatencyMs, last.StatusSince, last.ConsecutiveFailures, uptime, missing));
        }
        return result;
    }

    /// <summary>Figures for when the database cannot be read and nothing was read before.</summary>
    public static IReadOnlyList<ExternalServiceFigures> Unreadable(ExternalServicesOptions options, string reason) =>
        Names(options).Select(name => AllUnknown(name, options.Services.GetValueOrDefault(name), reason)).ToList();

    /// <summary>A service of which nothing is known, every figure for the same reason.</summary>
    private static ExternalServiceFigures AllUnknown(string name, ExternalServiceOptions? service, string reason)
    {
        var missing = UptimeWindows.ToDictionary(w => $"uptime_{w.Name()}", _ => reason);
        missing["status"] = reason;
        return new ExternalServiceFigures(name, DisplayName(name, service), service?.Kind, ServiceStatus.Unknown, reason,
            null, null, null, 0, UptimeWindows.ToDictionary(w => w.Name(), _ => (double?)null), missing);
    }

    private static string DisplayName(string name, ExternalServiceOptions? service) =>
        string.IsNullOrWhiteSpace(service?.DisplayName) ? name : service.DisplayName;

    /// <summary>The contract's three names first (always present), then any others enabled, by name.</summary>
    private static IEnumerable<string> Names(ExternalServicesOptions options) =>
        ExternalServicesOptions.ContractNames.Concat(options.Services.Where(s => s.Value.Enabled).Select(s => s.Key)
            .Except(ExternalServicesOptions.ContractNames).Order(StringComparer.Ordinal));
}
