using Htmx;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts;
using MonitorApp.Alerts.Channels;
using MonitorApp.Auth;
using MonitorApp.Metrics;
using MonitorApp.Pages.Dashboard.Cards;

namespace MonitorApp.Pages.Dashboard;

/// <summary>
/// The dashboard: it only composes the cards (<see cref="DashboardCards"/>). The first GET renders every card; then one request
/// each refresh (<c>?handler=Cards</c>) returns the same card partials, each swapped into place out of band. Everything is read
/// from the latest snapshot (the breakdowns from figures read once per snapshot and shared): a refresh costs no queries of its own.
/// </summary>
[Authorize(Policy = Policies.Monitor)]
[BackgroundRefresh(DashboardSetup.PollElementId)]
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = CardsCachePolicy.Name)]
public sealed class IndexModel(DashboardReader reader, IOptions<DashboardOptions> dashboard, Web.ProxyExposure exposure) : PageModel
{
    /// <summary>The error-rate chart's view, from the URL (<c>?range=24h|7d&amp;service=…</c>), so a link reproduces it.</summary>
    [BindProperty(Name = "range", SupportsGet = true)]
    public string? RangeParameter { get; set; }
    [BindProperty(Name = "service", SupportsGet = true)]
    public string? ServiceParameter { get; set; }

    /// <summary>
    /// <c>?kiosk=1</c>: the wall screen — no header or navigation, the cards that matter at a distance sized to fill the
    /// screen, large type, the time of the figures always shown, and a full-screen banner when they are stale or a refresh fails.
    /// </summary>
    [BindProperty(Name = "kiosk", SupportsGet = true)]
    public string? KioskParameter { get; set; }
    public bool Kiosk => KioskParameter is "1" or "true";

    public int RefreshSeconds => dashboard.Value.RefreshSeconds;

    /// <summary>What the deployment gets wrong (shown to a SUPER_ADMIN): no HTTPS and no trusted proxy.</summary>
    public string? DeploymentWarning => exposure.Warning;

    /// <summary>What this render shows; every card's model is built from it.</summary>
    public DashboardView View { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        ViewData["Kiosk"] = Kiosk;
        var chart = reader.ReadChartView(RangeParameter, ServiceParameter);
        if (chart.Errors.Count > 0)
            Response.StatusCode = StatusCodes.Status400BadRequest; // the page still shows, the chart card says which value was refused
        View = await reader.ReadAsync(User, chart, PageUrl, Kiosk, null, cancellationToken);
    }

    public async Task<IActionResult> OnGetCardsAsync(CancellationToken cancellationToken)
    {
        var chart = reader.ReadChartView(RangeParameter, ServiceParameter);
        if (chart.Errors.Count > 0)
            return new ObjectResult(new ValidationProblemDetails(chart.Errors.ToDictionary())
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The chart's view is not valid.",
            })
            { StatusCode = StatusCodes.Status400BadRequest, ContentTypes = { "application/problem+json" } };
        View = await reader.ReadAsync(User, chart, PageUrl, Kiosk, null, cancellationToken);
        if (Request.IsHtmx() && Request.Headers["HX-Trigger"] == ChartView.FormId)
            Response.Htmx(h => h.PushUrl(PageUrl(chart.Range, chart.Service)));
        return Refresh();
    }

    /// <summary>The silence form of the alerts card (htmx, antiforgery header from the page): answers with the cards.</summary>
    public async Task<IActionResult> OnPostSilenceAsync(string? rule, string? subject, int? durationMinutes, string? comment, CancellationToken cancellationToken)
    {
        if (!CardsCachePolicy.CanSilence(User))
            return Forbid();
        var chart = reader.ReadChartView(RangeParameter, ServiceParameter); // the chart's view came along with the form: the cards answered keep it
        var errors = await reader.SilenceAsync(User, new SilenceRequest(rule, durationMinutes, comment, string.IsNullOrEmpty(subject) ? null : subject), cancellationToken);
        View = await reader.ReadAsync(User, chart, PageUrl, Kiosk, errors.Count == 0 ? null : errors, cancellationToken);
        return Refresh();
    }

    /// <summary>The wall screen's refresh: the cards, in the chart's view its address asked for.</summary>
    public string PollUrl() => Url.Page("Index", "Cards", ViewValues(View.Chart.Range, View.Chart.Service))!;

    /// <summary>The dashboard's own address for a chart view (defaults left out), as a link to it or the browser's history has it.</summary>
    public string PageUrl(MetricsWindow range, string? service) => Url.Page("Index", ViewValues(range, service))!;

    private object ViewValues(MetricsWindow range, string? service) =>
        new { kiosk = Kiosk ? "1" : null, range = range == MetricsWindow.Day ? null : range.Name(), service };

    private PartialViewResult Refresh()
    {
        Response.Headers.CacheControl = "no-store";
        var cards = Partial("_Cards", View);
        cards.ViewData[DashboardCardTagHelper.OobKey] = true;
        return cards;
    }
}
