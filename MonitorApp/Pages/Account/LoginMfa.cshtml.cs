using MonitorApp.Data;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Audit;
using MonitorApp.Auth;
using MonitorApp.Web;

namespace MonitorApp.Pages.Account;

/// <summary>The second step of signing in for a user with an authenticator: a TOTP code, or one of their recovery codes (each works once).</summary>
[AllowAnonymous]
public sealed class LoginMfaModel(SignInManager<AppUser> signIn, SignInLimits limits, KnownDevices devices, AuditLog audit, RateLimitAudit rateLimitAudit) : PageModel
{
    public const string WrongCode = "That code is not right, or it has expired. Codes change every 30 seconds.";

    [BindProperty, Required, StringLength(FieldLimits.Code), Display(Name = "Code")]
    public string Code { get; set; } = "";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public async Task<IActionResult> OnGetAsync() =>
        await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/Account/Login") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return RedirectToPage("/Account/Login"); // the first step was not taken here, or too long ago
        if (!ModelState.IsValid)
            return Page();
        if (limits.TryAttempt(RateLimitSetup.Address(HttpContext), user.Email, devices.DeviceOf(HttpContext, user.Email!)) is { } refusal)
            return await LoginModel.TooManyAsync(this, refusal, user.Email!, rateLimitAudit);

        var code = Code.Replace(" ", "", StringComparison.Ordinal).Trim();
        // An authenticator's code is six digits; anything else is tried as a recovery code.
        var result = code.Length == 6 && code.All(char.IsAsciiDigit)
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code, isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(code);
        if (result.Succeeded)
        {
            devices.Remember(HttpContext, user.Email!);
            return LocalRedirect(LoginModel.SafeReturnUrl(Url, ReturnUrl));
        }
        await audit.RecordAsync(AuditActions.SignInFailed, AuditActions.Failure, target: user.Email, actor: user.Email,
            detail: result.IsLockedOut ? "account locked after wrong codes" : "wrong authenticator or recovery code");
        ModelState.AddModelError(string.Empty, result.IsLockedOut ? LoginModel.Failed : WrongCode);
        return Page();
    }
}
