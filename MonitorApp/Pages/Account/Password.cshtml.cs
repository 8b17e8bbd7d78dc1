using MonitorApp.Data;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Account;

/// <summary>Any signed-in user changes their own password; one generated for them must be changed here before anything else.</summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Policies.Person)]
public sealed class PasswordModel(UserManager<AppUser> users, MonitorSignInManager signIn, UserAdminService admin, SignInLimits limits, Audit.RateLimitAudit rateLimitAudit) : PageModel
{
    [BindProperty]
    public PasswordInput Input { get; set; } = new();

    public bool MustChange { get; private set; }
    public bool Changed { get; private set; }

    public sealed class PasswordInput
    {
        [Required, StringLength(FieldLimits.Password), DataType(DataType.Password), Display(Name = "Current password")]
        public string CurrentPassword { get; set; } = "";

        [Required, StringLength(FieldLimits.Password), DataType(DataType.Password), Display(Name = "New password")]
        public string NewPassword { get; set; } = "";

        [Required, StringLength(FieldLimits.Password), DataType(DataType.Password), Compare(nameof(NewPassword), ErrorMessage = "The two new passwords differ."), Display(Name = "New password again")]
        public string ConfirmPassword { get; set; } = "";
    }

    public void OnGet() => MustChange = User.FindFirst(PendingSteps.Claim)?.Value == PendingSteps.Password;

    public async Task<IActionResult> OnPostAsync()
    {
        Response.Headers.CacheControl = "no-store";
        MustChange = User.FindFirst(PendingSteps.Claim)?.Value == PendingSteps.Password;
        if (!ModelState.IsValid)
            return Page();
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();
        // The current password is checked here too: a stolen cookie must not guess it faster than the sign-in page allows.
        if (limits.TryAttempt(RateLimitSetup.Address(HttpContext), user.Email) is { } refusal)
            return await LoginModel.TooManyAsync(this, refusal, user.Email!, rateLimitAudit);
        try
        {
            await admin.ChangeOwnPasswordAsync(user, Input.CurrentPassword, Input.NewPassword);
        }
        catch (AdminRefusal ex)
        {
            ModelState.AddModelError($"Input.{ex.Field}", ex.Message);
            return Page();
        }
        await signIn.ContinueSessionAsync(user, withSecondFactor: User.HasClaim("amr", "mfa"));
        if (MustChange)
            return LocalRedirect("/"); // on to what the sign-in was for (or the next pending step)
        Changed = true;
        ModelState.Clear();
        Input = new();
        return Page();
    }
}
