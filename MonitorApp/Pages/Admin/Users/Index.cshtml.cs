using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Admin.Users;

/// <summary>SUPER_ADMIN: add users (password generated and shown once), change a role, disable.</summary>
[Authorize(Policy = Policies.SuperAdmin)]
public sealed class IndexModel(UserAdminService admin) : PageModel
{
    public List<UserRow> Users { get; private set; } = [];

    /// <summary>What the last action did; a generated password is shown here once and never stored.</summary>
    public string? Message { get; private set; }
    public string? GeneratedPassword { get; private set; }

    /// <summary>The add form; bound only by its own handler, so the other forms' posts never validate it.</summary>
    public AddUserInput Add { get; set; } = new();

    public sealed class AddUserInput
    {
        [Required, EmailAddress, StringLength(FieldLimits.Email), Display(Name = "E-mail")]
        public string Email { get; set; } = "";

        [Required]
        public string Role { get; set; } = Roles.SystemMonitor;
    }

    public async Task OnGetAsync(CancellationToken ct) => Users = await admin.ListAsync(ct);

    public async Task<IActionResult> OnPostAddAsync([Bind(Prefix = nameof(Add))] AddUserInput add, CancellationToken ct)
    {
        Add = add;
        if (ModelState.IsValid)
        {
            await RunAsync(async () =>
            {
                GeneratedPassword = await admin.AddAsync(Add.Email.Trim(), Add.Role, password: null);
                Message = $"Added {Add.Email.Trim()} as {Add.Role}. Give them this password now; it is not shown again:";
            }, "Add.Email");
        }
        return await PageWithUsersAsync(ct);
    }

    public async Task<IActionResult> OnPostSetRoleAsync(string email, string role, CancellationToken ct)
    {
        if (await admin.IsSameUserAsync(User, email))
            ModelState.AddModelError(string.Empty, "You cannot change your own role: ask another SUPER_ADMIN, so nobody locks the last one out.");
        else
            await RunAsync(async () => { await admin.SetRoleAsync(email, role); Message = $"{email} is now {role}."; }, string.Empty);
        return await PageWithUsersAsync(ct);
    }

    public async Task<IActionResult> OnPostDisableAsync(string email, CancellationToken ct)
    {
        if (await admin.IsSameUserAsync(User, email))
            ModelState.AddModelError(string.Empty, "You cannot disable your own account.");
        else
            await RunAsync(async () => { await admin.DisableAsync(email); Message = $"{email} is disabled; their sign-ins end at their next request."; }, string.Empty);
        return await PageWithUsersAsync(ct);
    }

    private async Task RunAsync(Func<Task> action, string field)
    {
        try
        {
            await action();
        }
        catch (AdminRefusal ex)
        {
            ModelState.AddModelError(field, ex.Message);
        }
    }

    private async Task<IActionResult> PageWithUsersAsync(CancellationToken ct)
    {
        // A page that may carry a one-time password must not be cached anywhere.
        Response.Headers.CacheControl = "no-store";
        Users = await admin.ListAsync(ct);
        return Page();
    }
}
