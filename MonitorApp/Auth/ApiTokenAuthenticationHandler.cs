using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary><c>Authorization: Bearer mon_…</c>. Challenges and refusals are ProblemDetails, never redirects.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    RecentlyVerifiedTokens recentlyVerified,
    FailedTokenLimit failedTokens,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenNameClaim = "monitor:token_name";

    private const string OverFailedTokenLimit = "monitor:over-failed-token-limit";

    // Writing last_used_at on every call would turn each read into a write; a minute's precision is plenty.
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadBearer(Request);
        if (secret is null)
            return AuthenticateResult.NoResult();

        var hash = ApiToken.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        // A token verified in the last few seconds is trusted without asking the database again: a steady
        // stream of API calls costs one lookup per token every FreshFor, not one per call. A revocation on
        // this instance forgets the token at once; one on another instance counts after FreshFor at most.
        var token = recentlyVerified.RecallFresh(hash, now);
        if (token is not null)
            return token.ExpiresAt <= now ? Expired(hash) : Success(token);
        var address = RateLimitSetup.Address(Context);
        if (!failedTokens.TryBegin(address))
        {
            Context.Items[OverFailedTokenLimit] = true;
            return AuthenticateResult.Fail("Too many unknown, revoked or expired API tokens from this address.");
        }
        var generation = recentlyVerified.Generation;
        var failed = false;
        try
        {
            // Resolved only here: a request answered from the cache never builds a database context.
            var db = Context.RequestServices.GetRequiredService<MonitorDbContext>();
            token = await db.ApiTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash && t.RevokedAt == null)
                .Select(t => new VerifiedToken(t.Id, t.Name, t.Role, t.LastUsedAt, t.ExpiresAt))
                .SingleOrDefaultAsync(Context.RequestAborted);
            if (token is null)
            {
                recentlyVerified.Forget(hash);
                failed = true;
                return AuthenticateResult.Fail("Unknown or revoked API token.");
            }
            if (token.ExpiresAt <= now)
            {
                failed = true;
                return Expired(hash);
            }
            if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedPrecision)
            {
                await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
                token = token with { LastUsedAt = now };
            }
            recentlyVerified.Remember(hash, token, now, generation);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
        {
            // The database is down: a token this instance verified a moment ago is still trusted, so the
            // monitoring API can say "database unreachable" instead of failing every caller.
            // A token revoked before the outage (here, or on another instance that told this one) is refused.
            if (recentlyVerified.WasRevoked(hash))
            {
                failed = true;
                return AuthenticateResult.Fail("Revoked API token.");
            }
            token = recentlyVerified.Recall(hash, now);
            if (token is null)
                throw;
            if (token.ExpiresAt <= now)
                return Expired(hash);
            Logger.LogWarning("Database unreachable; accepting API token '{Name}' verified in the last {Minutes} minutes",
                token.Name, RecentlyVerifiedTokens.OutageGrace.TotalMinutes);
        }
        finally
        {
            failedTokens.End(address, failed);
        }

        return Success(token);
    }

    private AuthenticateResult Expired(string hash)
    {
        recentlyVerified.Forget(hash);
        return AuthenticateResult.Fail("Expired API token.");
    }

    private static AuthenticateResult Success(VerifiedToken token)
    {
        if (!Roles.TokenRoles.Contains(token.Role))
            return AuthenticateResult.Fail($"API tokens with the role {token.Role} are no longer accepted; create a {string.Join(" or ", Roles.TokenRoles)} token.");
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"token:{token.Name}"),
                new Claim(TokenNameClaim, token.Name),
                new Claim(ClaimTypes.Role, token.Role),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(OverFailedTokenLimit))
            return TooManyFailedTokensAsync();
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required",
            "Send a valid, unrevoked API token as 'Authorization: Bearer <token>'.");
    }

    private async Task TooManyFailedTokensAsync()
    {
        await Context.RequestServices.GetRequiredService<Audit.RateLimitAudit>()
            .TrippedAsync(Context, RateLimitOptions.Key(nameof(RateLimitOptions.FailedTokensPerAddressPerMinute)), RateLimitSetup.Address(Context).ToString());
        await RateLimitSetup.TooManyRequestsAsync(Context, FailedTokenLimit.Window,
            "Too many unknown, revoked or expired API tokens from this address: wait for the Retry-After seconds.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            "This API token's role is not allowed to use this endpoint.");

    internal static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
