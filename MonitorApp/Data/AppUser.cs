using Microsoft.AspNetCore.Identity;

namespace MonitorApp.Data;

public sealed class AppUser : IdentityUser
{
    /// <summary>A disabled user cannot sign in, and an existing sign-in stops working at its next request.</summary>
    public bool IsDisabled { get; set; }

    /// <summary>Set when someone else chose the password (the CLI or the Users page generated it): it must be changed at the next sign-in.</summary>
    public bool MustChangePassword { get; set; }

    /// <summary>The 30-second step of the last authenticator code accepted for this user: that code and earlier ones are refused.</summary>
    public long? LastAuthenticatorStep { get; set; }
}
