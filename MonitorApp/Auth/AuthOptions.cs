using System.ComponentModel.DataAnnotations;

namespace MonitorApp.Auth;

/// <summary>Section <c>Auth</c>: how long a sign-in lasts, and whether a SUPER_ADMIN needs a second factor.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>A sign-in with no request from its person for this long ends; the dashboard's own refreshes do not count.</summary>
    [Range(1, 525_600, ErrorMessage = "Auth:IdleTimeoutMinutes must be between 1 and 525600.")]
    public int IdleTimeoutMinutes { get; set; } = 480;

    /// <summary>A sign-in ends this long after it began, however busy.</summary>
    [Range(1, 8_760, ErrorMessage = "Auth:AbsoluteLifetimeHours must be between 1 and 8760.")]
    public int AbsoluteLifetimeHours { get; set; } = 12;

    /// <summary>A SUPER_ADMIN must enrol an authenticator before doing anything else. Unset: true outside Development.</summary>
    public bool? RequireMfaForSuperAdmin { get; set; }

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    public TimeSpan AbsoluteLifetime => TimeSpan.FromHours(AbsoluteLifetimeHours);
}
