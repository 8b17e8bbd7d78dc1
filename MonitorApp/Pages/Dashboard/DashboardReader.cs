using System.Security.Claims;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts;
using MonitorApp.Alerts.Channels;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Pages.Dashboard.Cards;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// Reads what one render of the dashboard shows (<see cref="DashboardView"/>): the latest snapshot and alert board, and the
/// figures read once per snapshot beside it. A figure the database cannot give yet is shown unknown with the reason; every
/// other card still shows the snapshot.
/// </summary>
public sealed class DashboardReader(
    MetricsSnapshotService snapshots,
    TimeProvider time,
    IOptions<HealthOptions> health,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json,
    AlertBoard alertBoard,
    AlertChannels channels,
    IOptions<AlertsOptions> alerts,
    ServiceFigures serviceFigures,
    QualityFigures qualityFigures,
    IServiceScopeFactory scopes)
{
    /// <summary>The chart's view the address asks for; a value that is not one is named, and the default stands in for it.</summary>
    public ChartView ReadChartView(string? rangeParameter, string? serviceParameter, Func<MetricsWindow, string?, string>? pageUrl = null)
    {
        var errors = new Dictionary<string, string[]>();
        var range = MetricsWindow.Day;
        string? service = null;
        if (rangeParameter is { Length: > 0 } asked)
        {
            if (MetricsWindows.TryParse(asked, ChartView.Ranges, out var window))
                range = window;
            else
                errors["range"] = [$"'{asked}' is not a range of the chart: use {MetricsWindows.Choices(ChartView.Ranges)}."];
        }
        if (serviceParameter?.Trim() is { Length: > 0 } named)
        {
            if (ServiceFigures.NameProblem(named) is { } problem)
                errors["service"] = [problem];
            else
                service = named;
        }
        return new ChartView(range, service, [], errors, pageUrl ?? ((_, _) => ""));
    }

    public async Task<DashboardView> ReadAsync(ClaimsPrincipal user, ChartView chart, Func<MetricsWindow, string?, string> pageUrl, bool kiosk,
        IReadOnlyDictionary<string, string[]>? silenceErrors, CancellationToken cancellationToken)
    {
        var board = alertBoard.Current;
        var snapshot = await snapshots.GetAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var hours = (int)chart.Range.Length().TotalHours;
        // The platform's own series is the snapshot's; one service's is unknown when never read and the database is down.
        var (errorRate, chartUnknown) = await ReadAsync(() => serviceFigures.ErrorRateAsync(chart.Service, hours, board.FiringHours, cancellationToken),
            () => MetricsJson.ToErrorRate(snapshot, hours, health.Value, null) with { Points = [] });
        IReadOnlyList<ServiceRow> services = [];
        IReadOnlyList<ProviderQuality> quality = [];
        string? servicesUnknown = null, qualityUnknown = null;
        var choices = chart.Service is { } shown ? new List<string> { shown } : [];
        if (!kiosk) // the wall screen shows neither breakdown nor the chart's controls: nothing more to read
        {
            (services, servicesUnknown) = await ReadAsync(async () => (await serviceFigures.ByServiceAsync(MetricsWindow.Hour, cancellationToken)).Rows, () => []);
            (quality, qualityUnknown) = await ReadAsync(async () => (await qualityFigures.ByProviderAsync(MetricsWindow.Hour, cancellationToken)).Providers, () => []);
            var (lastDay, _) = await ReadAsync(async () => (await serviceFigures.ByServiceAsync(MetricsWindow.Day, cancellationToken)).Rows, () => []);
            choices.AddRange(lastDay.Select(r => r.Service));
        }
        var policy = new AlertsPolicy(AlertRules.All.Count(r => alerts.Value.Rule(r.Name).Enabled), alerts.Value.EvaluateSeconds,
            channels.Names.Count(), CardsCachePolicy.CanSilence(user), silenceErrors);
        return new DashboardView(snapshot, now, health.Value, board, policy,
            chart with { ServiceChoices = choices.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(), PageUrl = pageUrl },
            errorRate, chartUnknown, services, servicesUnknown, quality, qualityUnknown, kiosk, json.Value.SerializerOptions);
    }

    /// <summary>Creates the silence asked for (the alert board is read again at once), or says why not.</summary>
    public async Task<IReadOnlyDictionary<string, string[]>> SilenceAsync(ClaimsPrincipal user, SilenceRequest request, CancellationToken cancellationToken)
    {
        var errors = Silences.Validate(request);
        if (errors.Count > 0)
            return errors;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        await Silences.CreateAsync(db, scope.ServiceProvider.GetRequiredService<Audit.AuditLog>(), request, user.Identity?.Name ?? "unknown", time.GetUtcNow().UtcDateTime, cancellationToken);
        await alertBoard.RefreshAsync(cancellationToken);
        return errors;
    }

    /// <summary>A figure read outside the snapshot, or what <paramref name="none"/> gives with the reason when the database cannot give it.</summary>
    private static async Task<(T Value, string? Unknown)> ReadAsync<T>(Func<Task<T>> read, Func<T> none)
    {
        try
        {
            return (await read(), null);
        }
        catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            return (none(), DatabaseUnreachableException.Reason);
        }
    }
}
