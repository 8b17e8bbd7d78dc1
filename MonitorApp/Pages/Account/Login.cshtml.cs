using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Account;

[AllowAnonymous]
public sealed class LoginModel(SignInManager<AppUser> signIn, UserManager<AppUser> users, ILogger<LoginModel> logger) : PageModel
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
        [Required, EmailAddress, Display(Name = "E-mail")]
        public string Email { get; set; } = "";

        [Required, DataType(DataType.Password)]
        public string Password { get; set; } = "";
    }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!ModelState.IsValid)
            return Page();

        var user = await users.FindByNameAsync(Input.Email);
        var result = await signIn.PasswordSignInAsync(Input.Email, Input.Password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            logger.LogInformation("User {Email} signed in", Input.Email);
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        }

        // An unknown e-mail, a locked or a disabled account is refused before any password is checked; checking one
        // against a decoy makes every failure take about as long as a wrong password does.
        if (user is null || result.IsLockedOut || result.IsNotAllowed)
            users.PasswordHasher.VerifyHashedPassword(user ?? new AppUser(), DecoyHash.Value, Input.Password);
        if (result.IsLockedOut)
            logger.LogWarning("Sign-in for {Email} refused: locked out", Input.Email);
        else if (result.IsNotAllowed)
            logger.LogWarning("Sign-in for {Email} refused: account disabled", Input.Email);
        var message = Failed;
        ModelState.AddModelError(string.Empty, message);
        return Page();
    }
}
