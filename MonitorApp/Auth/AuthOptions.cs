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

    /// <summary>
    /// Accounts signed in on a wall screen (e-mails), which nobody touches: no idle timeout, and a lifetime of
    /// <see cref="WallScreenLifetimeHours"/>. Only while the account is SYSTEM_MONITOR (read-only); any other role gets the usual limits.
    /// </summary>
    public List<string> WallScreenAccounts { get; set; } = [];

    [Range(1, 8_760, ErrorMessage = "Auth:WallScreenLifetimeHours must be between 1 and 8760.")]
    public int WallScreenLifetimeHours { get; set; } = 168;

    /// <summary>A SUPER_ADMIN must enrol an authenticator before doing anything else. Unset: true outside Development.</summary>
    public bool? RequireMfaForSuperAdmin { get; set; }

    public TimeSpan IdleTimeout => TimeSpan.FromMinutes(IdleTimeoutMinutes);

    public TimeSpan AbsoluteLifetime => TimeSpan.FromHours(AbsoluteLifetimeHours);

    public TimeSpan WallScreenLifetime => TimeSpan.FromHours(WallScreenLifetimeHours);

    /// <summary>Whether this sign-in is a wall screen's: a listed account, read-only.</summary>
    public bool IsWallScreen(System.Security.Claims.ClaimsPrincipal user) =>
        user.Identity?.Name is { } name && WallScreenAccounts.Contains(name, StringComparer.OrdinalIgnoreCase)
        && user.IsInRole(Roles.SystemMonitor) && !user.IsInRole(Roles.SuperAdmin);
}
