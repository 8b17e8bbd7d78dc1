using MonitorApp.Data;
using Microsoft.AspNetCore.Identity;

namespace MonitorApp.Auth;

/// <summary>
/// Beside Identity's length rule (at least 12, no composition rules): a password is not the account's e-mail (or the
/// part before the @), and not on the common-passwords list shipped with the app (<c>Auth/common-passwords.txt</c>).
/// Checked wherever a password is chosen: the password page, the CLI, the Users page.
/// </summary>
public sealed class PasswordRules : IPasswordValidator<AppUser>
{
    public const int MinimumLength = 12;

    private static readonly Lazy<HashSet<string>> Common = new(() =>
    {
        using var stream = typeof(PasswordRules).Assembly.GetManifestResourceStream("MonitorApp.Auth.common-passwords.txt")
            ?? throw new InvalidOperationException("the common-passwords list is not embedded");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#'))
                set.Add(line.Trim());
        }
        return set;
    });

    public static bool IsCommon(string password) => Common.Value.Contains(password.Trim());

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var email = user.Email ?? user.UserName ?? "";
        var local = email.Split('@')[0];
        if (password is not null && email.Length > 0 &&
            (password.Equals(email, StringComparison.OrdinalIgnoreCase) || (local.Length > 0 && password.Equals(local, StringComparison.OrdinalIgnoreCase))))
            errors.Add(new IdentityError { Code = "PasswordIsEmail", Description = "The password must not be your e-mail address." });
        if (password is not null && IsCommon(password))
            errors.Add(new IdentityError { Code = "PasswordIsCommon", Description = "That password is on the list of common passwords guessers try first: choose another." });
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
