using MonitorApp.Data;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Account;

/// <summary>
/// Enrols the signed-in user's authenticator app (TOTP, ASP.NET Core Identity's authenticator support): the key as a QR code
/// drawn on the server (an image, so the strict CSP holds) and as text; a code from the app turns it on; ten recovery codes
/// are shown once.
/// </summary>
[Microsoft.AspNetCore.Authorization.Authorize(Policy = Policies.Person)]
public sealed class MfaModel(UserManager<AppUser> users, MonitorSignInManager signIn, UserAdminService admin, SignInLimits limits,
    Audit.RateLimitAudit rateLimitAudit, Audit.AuditLog audit) : PageModel
{
    public const string WrongPassword = "That is not your current password.";

    [BindProperty, Required, StringLength(7, MinimumLength = 6), Display(Name = "Code")]
    public string Code { get; set; } = "";

    /// <summary>Asked again: a cookie left signed in on a shared computer must not be enough to bind someone else's phone.</summary>
    [BindProperty, Required, StringLength(FieldLimits.Password), DataType(DataType.Password), Display(Name = "Current password")]
    public string CurrentPassword { get; set; } = "";

    public bool Enabled { get; private set; }
    public bool Required { get; private set; }
    public string? FormattedKey { get; private set; }
    public string? QrCodeDataUri { get; private set; }
    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();
        return await ShowAsync(user);
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
            return Challenge();
        if (!ModelState.IsValid)
            return await ShowAsync(user);
        // Limited as sign-in is: a stolen cookie must not guess the password here faster than on the sign-in page.
        if (limits.TryAttempt(RateLimitSetup.Address(HttpContext), user.Email) is { } refusal)
        {
            await LoginModel.TooManyAsync(this, refusal, user.Email!, rateLimitAudit);
            return await ShowAsync(user);
        }
        if (!await users.CheckPasswordAsync(user, CurrentPassword))
        {
            await audit.RecordAsync(Audit.AuditActions.MfaEnrolled, Audit.AuditActions.Failure, target: user.Email, detail: "wrong current password");
            ModelState.AddModelError(nameof(CurrentPassword), WrongPassword);
            return await ShowAsync(user);
        }
        var codes = await admin.EnableMfaAsync(user, Code);
        if (codes is null)
        {
            ModelState.AddModelError(nameof(Code), "That code is not right: check the app shows MonitorApp and enter the code it shows now.");
            return await ShowAsync(user);
        }
        // Turning it on renewed the security stamp (other sign-ins end); this one goes on, now with a second factor.
        await signIn.ContinueSessionAsync(user, withSecondFactor: true);
        RecoveryCodes = codes;
        Enabled = true;
        return Page();
    }

    private async Task<IActionResult> ShowAsync(AppUser user)
    {
        Response.Headers.CacheControl = "no-store"; // the key and the recovery codes are secrets
        Enabled = user.TwoFactorEnabled;
        Required = User.FindFirst(PendingSteps.Claim)?.Value == PendingSteps.Mfa;
        if (Enabled)
            return Page();
        var key = await admin.AuthenticatorKeyAsync(user);
        FormattedKey = string.Join(" ", key!.Chunk(4).Select(c => new string(c))).ToLowerInvariant();
        QrCodeDataUri = AuthenticatorUri.QrCodeDataUri(AuthenticatorUri.For(user.Email!, key!));
        return Page();
    }
}
