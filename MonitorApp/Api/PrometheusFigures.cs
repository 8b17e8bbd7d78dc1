using MonitorApp.Metrics;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts;
using MonitorApp.Api;
using MonitorApp.Auth;
using Prometheus;

namespace MonitorApp.Api;

/// <summary>
/// <c>GET /metrics</c>: the dashboard's figures in Prometheus' text format (prometheus-net), read from the same snapshot the
/// cards and the JSON API show, plus what this instance ingested, the alerts' states, and ASP.NET Core's, the runtime's and
/// the process's own metrics. A figure the app cannot measure right now is left out (absent), never written as 0.
/// Levels are numbers, higher is worse: health 0 healthy, 1 degraded, 2 critical; a service 0 operational, 1 degraded,
/// 2 down; an alert rule 0 inactive, 1 pending, 2 firing.
/// </summary>
public sealed class PrometheusFigures : IDisposable
{
    public const string Path = "/metrics";

    // Meters whose instruments are exported beside the app's figures: the HTTP server's and Kestrel's. The runtime's and the
    // process's come from prometheus-net's own collectors (DotNetStats): System.Runtime's instruments are named *_count
    // without being counts, which Prometheus' naming rules (promtool) refuse.
    private static readonly HashSet<string> Meters = ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel"];

    private static readonly Lazy<bool> SuppressDefaults = new(() =>
    {
        Prometheus.Metrics.SuppressDefaultMetrics();
        return true;
    });

    private readonly MetricsSnapshotService snapshots;
    private readonly AlertBoard alerts;
    private readonly IOptions<AlertsOptions> alertOptions;
    private readonly IngestionCounters ingestion;
    private readonly TimeProvider time;
    private readonly IDisposable meters;

    private readonly Gauge activeSessions;
    private readonly Gauge healthLevel;
    private readonly Gauge errorRatio;
    private readonly Gauge requestsLastHour;
    private readonly Gauge p95Seconds;
    private readonly Gauge poolActive;
    private readonly Gauge poolIdle;
    private readonly Gauge poolMax;
    private readonly Gauge poolPending;
    private readonly Gauge serviceStatus;
    private readonly Gauge serviceLatency;
    private readonly Gauge snapshotAge;
    private readonly Gauge alertState;
    private readonly Gauge qualityWindows;
    private readonly Gauge qualityMedian;
    private readonly Gauge qualityP10;
    private readonly Gauge qualityPoor;
    private readonly QualityFigures quality;
    private readonly Counter ingested;
    private readonly Counter refusedBatches;

    public CollectorRegistry Registry { get; }

    public PrometheusFigures(MetricsSnapshotService snapshots, AlertBoard alerts, IOptions<AlertsOptions> alertOptions, IngestionCounters ingestion, TimeProvider time,
        QualityFigures quality)
    {
        this.snapshots = snapshots;
        this.quality = quality;
        this.alerts = alerts;
        this.alertOptions = alertOptions;
        this.ingestion = ingestion;
        this.time = time;
        // A registry of its own, not the process-wide default: each app (several run in one test process) exports its own figures.
        // The default one would listen to every meter of the process for nobody: switched off.
        SuppressDefaults.Value.ToString();
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        activeSessions = factory.CreateGauge("monitorapp_active_sessions", "Video sessions live now (started, heard from lately, not ended).");
        healthLevel = factory.CreateGauge("monitorapp_health_level", "System health: 0 healthy, 1 degraded, 2 critical.");
        errorRatio = factory.CreateGauge("monitorapp_api_error_ratio", "Share of API requests answered with a 5xx in the last hour (0 to 1).");
        requestsLastHour = factory.CreateGauge("monitorapp_api_requests_last_hour", "API requests counted in the last hour, every service.");
        p95Seconds = factory.CreateGauge("monitorapp_api_response_time_p95_seconds", "95th percentile API response time over the last hour (the upper edge of its latency bucket).");
        poolActive = factory.CreateGauge("monitorapp_db_pool_active_connections", "Database connections in use.");
        poolIdle = factory.CreateGauge("monitorapp_db_pool_idle_connections", "Database connections open and idle.");
        poolMax = factory.CreateGauge("monitorapp_db_pool_max_connections", "Largest number of connections the pool opens.");
        poolPending = factory.CreateGauge("monitorapp_db_pool_pending_requests", "Requests waiting for a database connection.");
        serviceStatus = factory.CreateGauge("monitorapp_external_service_status", "An external service's status: 0 operational, 1 degraded, 2 down (absent: unknown).", "service");
        serviceLatency = factory.CreateGauge("monitorapp_external_service_latency_seconds", "How long the last check of an external service took.", "service");
        snapshotAge = factory.CreateGauge("monitorapp_snapshot_age_seconds", "How old the figures above are.");
        alertState = factory.CreateGauge("monitorapp_alert_state", "An alert rule's state: 0 inactive, 1 pending, 2 firing (absent: disabled).", "rule", "severity");
        qualityWindows = factory.CreateGauge("monitorapp_quality_windows_last_hour", "Measurement windows (stats events) of a video provider's sessions in the last hour.", "provider");
        qualityMedian = factory.CreateGauge("monitorapp_quality_mos_median", "Median MOS of a provider's windows in the last hour (1 to 4.5, to 0.1 rounded down; absent: no windows).", "provider");
        qualityP10 = factory.CreateGauge("monitorapp_quality_mos_p10", "10th percentile MOS of a provider's windows in the last hour (absent: no windows).", "provider");
        qualityPoor = factory.CreateGauge("monitorapp_quality_poor_ratio", $"Share of a provider's windows in the last hour with {Quality.Mos.PoorMeans} (0 to 1; absent: no windows).", "provider");
        ingested = factory.CreateCounter("monitorapp_ingested_items_total", "Items accepted by this instance's ingestion routes since it started.", "route");
        refusedBatches = factory.CreateCounter("monitorapp_ingest_refused_batches_total", "Batches this instance's ingestion routes refused since it started.", "route");
        Registry.AddBeforeCollectCallback(UpdateAsync);
        DotNetStats.Register(Registry);
        meters = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = Registry,
            MetricFactory = factory,
            InstrumentFilterPredicate = instrument => Meters.Contains(instrument.Meter.Name),
        });
    }

    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await snapshots.GetAsync(cancellationToken);
        Set(activeSessions.WithLabels(), snapshot.ActiveSessions);
        healthLevel.Set((int)snapshot.Health.Level);
        errorRatio.Set(snapshot.ErrorRateLastHour);
        requestsLastHour.Set(snapshot.RequestsLastHour);
        Set(p95Seconds.WithLabels(), snapshot.ApiResponseTimeP95 / 1000);
        Set(poolActive.WithLabels(), snapshot.DbPool.Active);
        Set(poolIdle.WithLabels(), snapshot.DbPool.Idle);
        Set(poolMax.WithLabels(), snapshot.DbPool.Size);
        Set(poolPending.WithLabels(), snapshot.DbPool.Pending);
        snapshotAge.Set(snapshot.AgeAt(time.GetUtcNow().UtcDateTime).TotalSeconds);
        foreach (var service in snapshot.ExternalServices)
        {
            Set(serviceStatus.WithLabels(service.Name), service.Status switch { "operational" => 0, "degraded" => 1, "down" => 2, _ => null });
            Set(serviceLatency.WithLabels(service.Name), service.LastLatencyMs / 1000.0);
        }

        var board = alerts.Current;
        foreach (var rule in AlertRules.All)
        {
            var child = alertState.WithLabels(rule.Name, rule.Severity.Name());
            var states = board.Alerts.Where(a => a.Rule == rule.Name).Select(a => a.State).ToList();
            Set(child, !alertOptions.Value.Rule(rule.Name).Enabled ? null
                : states.Contains(AlertState.Firing) ? 2 : states.Count > 0 ? 1 : 0);
        }

        await UpdateQualityAsync(cancellationToken);

        foreach (var (route, count) in ingestion.Accepted)
            ingested.WithLabels(route).IncTo(count);
        foreach (var (route, count) in ingestion.RefusedBatches)
            refusedBatches.WithLabels(route).IncTo(count);
    }

    /// <summary>
    /// Each provider's last hour: a provider without windows has 0 of them (and no MOS figures); while they cannot be
    /// read, every series is left out.
    /// </summary>
    private async Task UpdateQualityAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ProviderQuality>? rows;
        try
        {
            rows = (await quality.ByProviderAsync(MetricsWindow.Hour, cancellationToken)).Providers;
        }
        catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            rows = null;
        }
        foreach (var provider in WireNames.ProviderNames)
        {
            var row = rows?.FirstOrDefault(r => r.Provider == provider);
            Set(qualityWindows.WithLabels(provider), rows is null ? null : row?.Windows ?? 0);
            Set(qualityMedian.WithLabels(provider), row?.MosMedian);
            Set(qualityP10.WithLabels(provider), row?.MosP10);
            Set(qualityPoor.WithLabels(provider), row?.PoorShare);
        }
    }

    /// <summary>Sets a gauge (or one labelled series of it) and publishes it, or leaves it out of the scrape when the figure is unknown.</summary>
    private static void Set(Gauge.Child gauge, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            gauge.Set(v);
            gauge.Publish();
        }
        else
        {
            gauge.Unpublish();
        }
    }

    public void Dispose() => meters.Dispose();
}
