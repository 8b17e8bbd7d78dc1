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
    MonitorDbContext db,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiToken";
    public const string TokenNameClaim = "monitor:token_name";

    // Writing last_used_at on every call would turn each read into a write; a minute's precision is plenty.
    private static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = ReadBearer(Request);
        if (secret is null)
            return AuthenticateResult.NoResult();

        var hash = ApiToken.Hash(secret);
        var now = time.GetUtcNow().UtcDateTime;
        VerifiedToken? token;
        try
        {
            token = await db.ApiTokens.AsNoTracking()
                .Where(t => t.TokenHash == hash && t.RevokedAt == null)
                .Select(t => new VerifiedToken(t.Id, t.Name, t.Role, t.LastUsedAt))
                .SingleOrDefaultAsync(Context.RequestAborted);
            if (token is null)
            {
                RecentlyVerified.TryRemove(hash, out _);
                return AuthenticateResult.Fail("Unknown or revoked API token.");
            }
            RecentlyVerified[hash] = (token, now);
            if (token.LastUsedAt is null || now - token.LastUsedAt > LastUsedPrecision)
                await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or DbUpdateException)
        {
            // The database is down: a token this instance verified a moment ago is still trusted, so the
            // monitoring API can say "database unreachable" instead of failing every caller.
            // REVIEW: a revocation made during the outage takes effect once the database answers again.
            if (RecentlyVerified.TryGetValue(hash, out var cached) && now - cached.At < OutageGrace)
            {
                Logger.LogWarning("Database unreachable; accepting API token '{Name}' verified at {At:O}", cached.Token.Name, cached.At);
                token = cached.Token;
            }
            else
            {
                throw;
            }
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"token:{token.Name}"),
                new Claim(TokenNameClaim, token.Name),
                new Claim(ClaimTypes.Role, token.Role),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private sealed record VerifiedToken(int Id, string Name, string Role, DateTime? LastUsedAt);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (VerifiedToken Token, DateTime At)> RecentlyVerified = new();
    private static readonly TimeSpan OutageGrace = TimeSpan.FromMinutes(15);

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Authentication required",
            "Send a valid, unrevoked API token as 'Authorization: Bearer <token>'.");
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
