using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Audit;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>
/// Refuses sign-in to disabled users (Identity's PasswordSignIn then reports NotAllowed), and keeps every sign-in as a
/// <see cref="SignInSession"/> on the server: signing in starts one, signing out ends it for every copy of the cookie.
/// </summary>
public sealed class MonitorSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation,
    MonitorDbContext db,
    TimeProvider time,
    RecentSignInChecks recent,
    ClusterNotifications cluster,
    AuditLog audit,
    PendingSignOuts pendingSignOuts)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    private string? continuing;
    private bool withRecoveryCode;

    /// <summary>As Identity's, and the sign-in is audited as made with a recovery code (one fewer left; the phone may be lost).</summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        withRecoveryCode = true;
        try
        {
            return await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        }
        finally
        {
            withRecoveryCode = false;
        }
    }

    public override async Task<bool> CanSignInAsync(AppUser user) => !user.IsDisabled && await base.CanSignInAsync(user);

    public override async Task SignInWithClaimsAsync(AppUser user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var sessionId = continuing;
        if (sessionId is null)
        {
            var now = time.GetUtcNow().UtcDateTime;
            sessionId = SignInSession.NewId();
            var generation = recent.Generation;
            db.Add(new SignInSession { Id = sessionId, UserId = user.Id, CreatedAt = now, LastActiveAt = now });
            await db.SaveChangesAsync();
            // Made here, so known here: an outage right after signing in does not turn this sign-in away as never checked.
            if (user.SecurityStamp is { } stamp)
                recent.Remember(sessionId, new SessionCheck(user.Id, stamp, now, now, now), generation);
            await audit.RecordAsync(AuditActions.SignIn, AuditActions.Success, target: user.Email, actor: user.Email,
                detail: withRecoveryCode ? $"password and recovery code ({await UserManager.CountRecoveryCodesAsync(user)} left)"
                    : additionalClaims.Any(c => c.Type == "amr" && c.Value == "mfa") ? "password and authenticator" : "password");
        }
        await base.SignInWithClaimsAsync(user, authenticationProperties, additionalClaims.Append(new Claim(SignInSession.Claim, sessionId)));
    }

    /// <summary>
    /// Issues the signed-in user a new cookie in the same session (same start, same idle clock) after their password or
    /// second factor changed: the change renewed their security stamp, which ends every other sign-in of theirs.
    /// </summary>
    public async Task ContinueSessionAsync(AppUser user, bool withSecondFactor)
    {
        continuing = Context.User.FindFirstValue(SignInSession.Claim) ?? throw new InvalidOperationException("no sign-in session to continue");
        try
        {
            recent.ForgetSession(continuing);
            await SignInWithClaimsAsync(user, new AuthenticationProperties { IsPersistent = false }, [new Claim("amr", withSecondFactor ? "mfa" : "pwd")]);
        }
        finally
        {
            continuing = null;
        }
    }

    /// <summary>Ends the session on the server, here and (through LISTEN/NOTIFY) on every other instance, then drops the cookie.</summary>
    public override async Task SignOutAsync()
    {
        var sessionId = Context.User.FindFirstValue(SignInSession.Claim);
        var userId = UserManager.GetUserId(Context.User);
        if (sessionId is null && Context.Items[SignInRevalidation.UncheckedSession] is (string uncheckedSession, string owner))
        {
            // The cookie could not be checked (the database is unreachable): its session is ended once it answers.
            recent.ForgetSession(uncheckedSession, ended: true);
            pendingSignOuts.Add(uncheckedSession, owner, time.GetUtcNow().UtcDateTime);
        }
        try
        {
            if (sessionId is not null && userId is not null)
            {
                // Forgotten as ended first: refused here even while the database cannot record it.
                recent.ForgetSession(sessionId, ended: true);
                await SignInSession.EndAsync(db, cluster, sessionId, userId, time.GetUtcNow().UtcDateTime, CancellationToken.None);
                await audit.RecordAsync(AuditActions.SignOut, AuditActions.Success, target: Context.User.Identity?.Name);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
        {
            Logger.LogWarning(ex, "Database unreachable: the sign-out of {User} ends the cookie here, and the session once the database answers", Context.User.Identity?.Name);
            if (sessionId is not null && userId is not null)
                pendingSignOuts.Add(sessionId, userId, time.GetUtcNow().UtcDateTime);
        }
        finally
        {
            await base.SignOutAsync();
        }
    }
}
