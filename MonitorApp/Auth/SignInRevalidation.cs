using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// Checks a sign-in cookie on every request (with a lookup at most every few seconds, see <see cref="RecentSignInChecks"/>):
/// it ends when its session was signed out, sat idle for <c>Auth:IdleTimeoutMinutes</c> (the dashboard's own refreshes do
/// not count as activity), or began more than <c>Auth:AbsoluteLifetimeHours</c> ago; and when its user was disabled or their
/// role or password changed (each renews the security stamp). A wall screen's account (<c>Auth:WallScreenAccounts</c>,
/// read-only) has no idle timeout and lives <c>Auth:WallScreenLifetimeHours</c>. Unlike Identity's SecurityStampValidator with a zero
/// interval, it neither rebuilds the principal nor re-issues the cookie on every dashboard poll. While the database is
/// unreachable the cookie is kept (its timeouts still count), so operators can still see that the database is down, unless
/// this instance saw it signed out or its user changed; one this instance never checked gets 503 with Retry-After.
/// </summary>
public static class SignInRevalidation
{
    // Writing the last activity on every click would make every request a write; a minute's precision is plenty for an idle timeout of hours.
    private static readonly TimeSpan ActivityPrecision = TimeSpan.FromMinutes(1);

    /// <summary>HttpContext item: the (session, user) of a sign-in cookie that could not be checked during an outage on a page anyone may see.</summary>
    public const string UncheckedSession = "monitor:unchecked-session";

    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var userId = context.Principal?.FindFirst(claims.UserIdClaimType)?.Value;
        var stamp = context.Principal?.FindFirst(claims.SecurityStampClaimType)?.Value;
        var sessionId = context.Principal?.FindFirst(SignInSession.Claim)?.Value;
        if (userId is null || stamp is null || sessionId is null)
        {
            await RejectAsync(context); // made before sign-ins were kept on the server
            return;
        }
        var recent = services.GetRequiredService<RecentSignInChecks>();
        var options = services.GetRequiredService<IOptions<AuthOptions>>().Value;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        var check = recent.Fresh(sessionId, userId, stamp, now);
        var db = (Data.MonitorDbContext?)null;
        if (check is null)
        {
            var generation = recent.Generation;
            try
            {
                db = services.GetRequiredService<Data.MonitorDbContext>();
                var current = await (
                    from s in db.SignInSessions.AsNoTracking()
                    join u in db.Users on s.UserId equals u.Id
                    where s.Id == sessionId && s.UserId == userId
                    select new { u.SecurityStamp, u.IsDisabled, s.CreatedAt, s.LastActiveAt, s.EndedAt })
                    .SingleOrDefaultAsync(context.HttpContext.RequestAborted);
                if (current is null || current.IsDisabled || current.SecurityStamp != stamp || current.EndedAt is not null)
                {
                    await RejectAsync(context);
                    return;
                }
                var known = recent.Last(sessionId);
                check = new SessionCheck(userId, stamp, current.CreatedAt, current.LastActiveAt, now);
                if (known is not null && known.UserId == userId)
                    check.Active(known.LastActiveAt); // activity this instance saw but has not written yet
                recent.Remember(sessionId, check, generation);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SignInRevalidation))
                    .LogWarning(ex, "Database unreachable; keeping the sign-in of {User} until it can be checked", userId);
                if (!recent.MayKeepDuringOutage(sessionId, userId))
                {
                    await RejectAsync(context);
                    return;
                }
                check = recent.Last(sessionId);
                if (check is null && context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Authorization.IAllowAnonymous>() is not null)
                {
                    // A page anyone may see (sign-in, sign-out): go on signed out, and a sign-out still ends this session
                    // once the database answers (MonitorSignInManager reads it from here).
                    context.HttpContext.Items[UncheckedSession] = (sessionId, userId);
                    await RejectAsync(context);
                    return;
                }
                if (check is null)
                    throw; // never checked here: nothing to go on, so 503 with Retry-After (DatabaseUnreachableHandler), not a guess
                db = null;
            }
        }

        var wallScreen = options.IsWallScreen(context.Principal!);
        var expired = wallScreen
            ? now - check.CreatedAt >= options.WallScreenLifetime
            : now - check.CreatedAt >= options.AbsoluteLifetime || now - check.LastActiveAt >= options.IdleTimeout;
        if (expired)
        {
            await RejectAsync(context);
            return;
        }
        if (BackgroundRefreshAttribute.Is(context.HttpContext))
            return;
        check.Active(now);
        if (now - check.StoredActiveAt < ActivityPrecision)
            return;
        try
        {
            db ??= services.GetRequiredService<Data.MonitorDbContext>();
            await db.SignInSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LastActiveAt, now), context.HttpContext.RequestAborted);
            check.Stored(now);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException)
        {
            // Kept in memory; written at a later request.
        }
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        // A live stream re-checked mid-way has sent its headers: it ends instead of being told to drop the cookie.
        if (!context.HttpContext.Response.HasStarted)
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }
}
