using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Audit;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Admin.Audit;

/// <summary>SUPER_ADMIN: the audit trail, newest first, filtered by action and user, 50 a page. The filter is in the URL.</summary>
[Authorize(Policy = Policies.SuperAdmin)]
public sealed class IndexModel(AuditLog audit) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "action")]
    public string? ActionFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserFilter { get; set; }

    // Not "page": Razor Pages keeps that route value for the page's own name.
    [BindProperty(SupportsGet = true, Name = "p")]
    public int PageNumber { get; set; } = 1;

    public AuditPage Events { get; private set; } = new([], 1, AuditLog.PageSize, false);

    public async Task OnGetAsync(CancellationToken ct)
    {
        Response.Headers.CacheControl = "no-store";
        if (ActionFilter is { Length: > 0 } && !AuditActions.All.Contains(ActionFilter))
        {
            ModelState.AddModelError("action", $"'{ActionFilter}' is not an audit action.");
            ActionFilter = null;
        }
        PageNumber = Math.Clamp(PageNumber, 1, 100_000);
        Events = await audit.ReadAsync(ActionFilter is { Length: > 0 } ? ActionFilter : null, string.IsNullOrWhiteSpace(UserFilter) ? null : UserFilter.Trim(), since: null, PageNumber, ct);
    }

    public string? PageUrl(int page) => Url.Page("Index", new { action = ActionFilter, user = UserFilter, p = page });
}
