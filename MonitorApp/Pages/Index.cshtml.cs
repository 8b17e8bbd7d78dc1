using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages;

[AllowAnonymous]
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() =>
        User.IsInRole(Roles.SystemMonitor) || User.IsInRole(Roles.SuperAdmin)
            ? LocalRedirect("/admin/dashboard")
            : LocalRedirect("/login");
}
