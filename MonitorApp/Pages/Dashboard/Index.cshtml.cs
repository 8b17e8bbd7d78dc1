using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Dashboard;

[Authorize(Policy = Policies.Monitor)]
public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
