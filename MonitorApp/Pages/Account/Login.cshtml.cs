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

[AllowAnonymous]
public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, SignInLimits limits, KnownDevices devices, AuditLog audit,
    RateLimitAudit rateLimitAudit) : PageModel
{
    /// <summary>What every failed sign-in says, whatever the reason, so the form does not tell who has an account or in what state.</summary>
    public const string Failed = "Sign-in failed: wrong e-mail or password, or the account is locked or disabled.";

    // A real hash of nothing anyone knows: checking a password against it costs what checking a real one does.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), Guid.NewGuid().ToString("N")));

    [BindProperty]
    public LoginInput Input { get; set; } = new();

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public sealed class LoginInput
    {
        [Required, EmailAddress, StringLength(FieldLimits.Email), Display(Name = "E-mail")]
        public string Email { get; set; } = "";

        [Required, StringLength(FieldLimits.Password), DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
            return Page();
        if (limits.TryAttempt(RateLimitSetup.Address(HttpContext), Input.Email, devices.DeviceOf(HttpContext, Input.Email)) is { } refusal)
            return await TooManyAsync(this, refusal, Input.Email, rateLimitAudit);

        var user = await users.FindByNameAsync(Input.Email);
        // Wrong passwords do not lock the account (the limits above do that per address): one address cannot lock an administrator out.
        var result = await signIn.PasswordSignInAsync(Input.Email, Input.Password, isPersistent: false, lockoutOnFailure: false);
        if (result.Succeeded)
        {
            devices.Remember(HttpContext, Input.Email);
            return LocalRedirect(SafeReturnUrl(Url, ReturnUrl));
        }
        if (result.RequiresTwoFactor)
            return RedirectToPage("/Account/LoginMfa", new { ReturnUrl = SafeReturnUrl(Url, ReturnUrl) });

        // An unknown e-mail, a locked or a disabled account is refused before any password is checked; checking one
        // against a decoy makes every failure take about as long as a wrong password does.
        if (user is null || result.IsLockedOut || result.IsNotAllowed)
            users.PasswordHasher.VerifyHashedPassword(user ?? new AppUser(), DecoyHash.Value, Input.Password);
        // What was typed as an e-mail is recorded only when it is an account's: it could be a password typed in the wrong box.
        var account = user?.Email;
        var reason = user is null ? "unknown e-mail" : result.IsLockedOut ? "account locked" : result.IsNotAllowed ? "account disabled" : "wrong password";
        await audit.RecordAsync(AuditActions.SignInFailed, AuditActions.Failure, target: account, detail: reason, actor: account ?? "unknown");
        ModelState.AddModelError(string.Empty, Failed);
        return Page();
    }

    internal static string SafeReturnUrl(IUrlHelper url, string? returnUrl) => url.IsLocalUrl(returnUrl) ? returnUrl! : "/";

    /// <summary>
    /// 429 with Retry-After, and the sign-in page saying how long to wait. The audit trail hears of it once a minute at most,
    /// naming the account only when it is one (what was typed could be a password in the wrong box).
    /// </summary>
    internal static async Task<IActionResult> TooManyAsync(PageModel page, SignInRefusal refusal, string account, RateLimitAudit rateLimitAudit)
    {
        var context = page.HttpContext;
        var seconds = Math.Max(1, (int)Math.Ceiling(refusal.RetryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var users = context.RequestServices.GetRequiredService<UserManager<AppUser>>();
        await rateLimitAudit.TrippedAsync(context, refusal.Limit, async () => (await users.FindByNameAsync(account))?.Email ?? "unknown",
            refusal.AccountWide ? AuditActions.LockedOut : AuditActions.RateLimited);
        var wait = seconds < 90 ? $"{seconds} seconds" : $"{(seconds + 59) / 60} minutes";
        page.ModelState.AddModelError(string.Empty, $"Too many sign-in attempts. Try again in {wait}.");
        return page.Page();
    }
}
