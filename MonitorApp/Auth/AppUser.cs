using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

public sealed class AppUser : IdentityUser
{
    /// <summary>A disabled user cannot sign in, and an existing sign-in stops working at its next request.</summary>
    public bool IsDisabled { get; set; }
}

/// <summary>Refuses sign-in to disabled users (Identity's PasswordSignIn then reports NotAllowed).</summary>
public sealed class MonitorSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);
}

/// <summary>
/// Sign-ins this instance checked against the database in the last <see cref="FreshFor"/>: a dashboard
/// polling, or many of them, cost one lookup per user every few seconds instead of one per request.
/// Disabling a user or changing their role or password here forgets them at once; on another instance
/// it counts within <see cref="FreshFor"/>.
/// </summary>
public sealed class RecentSignInChecks
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (string Stamp, DateTime At)> checks = new();
    private long generation;

    /// <summary>Moves on at every change of a user: read before asking the database, passed to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref generation);

    public bool IsFresh(string userId, string stamp, DateTime now) =>
        checks.TryGetValue(userId, out var check) && check.Stamp == stamp && now >= check.At && now - check.At < FreshFor;

    /// <summary>Remembers a check, unless a user changed since it asked the database (its answer may predate that).</summary>
    public void Remember(string userId, string stamp, DateTime now, long askedAt)
    {
        lock (checks)
        {
            if (Generation == askedAt)
                checks[userId] = (stamp, now);
        }
    }

    public void Forget(string userId)
    {
        lock (checks)
        {
            Interlocked.Increment(ref generation);
            checks.TryRemove(userId, out _);
        }
    }

    public void ForgetAll()
    {
        lock (checks)
        {
            Interlocked.Increment(ref generation);
            checks.Clear();
        }
    }
}

/// <summary>
/// Checks a sign-in cookie on every request (with a primary-key lookup at most every few seconds, see <see cref="RecentSignInChecks"/>): a user who was disabled, or
/// whose role or password changed (each renews the security stamp), is signed out at once. Unlike
/// Identity's SecurityStampValidator with a zero interval, it neither rebuilds the principal nor
/// re-issues the cookie on every dashboard poll. While the database is unreachable the cookie is kept,
/// so operators can still see that the database is down.
/// </summary>
public static class SignInRevalidation
{
    public static async Task ValidatePrincipalAsync(Microsoft.AspNetCore.Authentication.Cookies.CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var userId = context.Principal?.FindFirst(claims.UserIdClaimType)?.Value;
        var stamp = context.Principal?.FindFirst(claims.SecurityStampClaimType)?.Value;
        var recent = services.GetRequiredService<RecentSignInChecks>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        if (userId is not null && stamp is not null && recent.IsFresh(userId, stamp, now))
            return;
        var generation = recent.Generation;
        try
        {
            var current = await services.GetRequiredService<Data.MonitorDbContext>().Users.AsNoTracking()
                .Where(u => u.Id == userId)
                .Select(u => new { u.SecurityStamp, u.IsDisabled })
                .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
            if (current is null || current.IsDisabled || current.SecurityStamp != stamp)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
            }
            else
            {
                recent.Remember(userId!, stamp!, now, generation);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRevalidation))
                .LogWarning(ex, "Database unreachable; keeping the sign-in of {User} until it can be checked", userId);
        }
    }
}
