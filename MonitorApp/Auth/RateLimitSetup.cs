using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>ASP.NET Core's rate limiter with this app's policies; route groups opt in with <c>RequireRateLimiting(...)</c>.</summary>
public static class RateLimitSetup
{
    public const string IngestPerToken = "ingest-per-token";
    public const string ReadyzPerAddress = "readyz-per-address";

    /// <summary>Which limit a request was counted against, and whom it counted (the policy writes it; the refusal reads it).</summary>
    private const string LimitedBy = "monitor:limited-by";

    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FailedTokenLimit>();
        services.AddSingleton<SignInLimits>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(IngestPerToken, context =>
            {
                var perMinute = Limits(context).IngestPerTokenPerMinute;
                // Per token; a SUPER_ADMIN signed in (the policy admits one) has a bucket of their own.
                var caller = context.User.FindFirst(ApiTokenAuthenticationHandler.TokenNameClaim)?.Value is { } token
                    ? "token:" + token
                    : "user:" + context.User.Identity?.Name;
                context.Items[LimitedBy] = (RateLimitOptions.Key(nameof(RateLimitOptions.IngestPerTokenPerMinute)), caller);
                // Refilled evenly: a whole token at a time, as often as the rate allows (90 a minute is one every 2/3 s).
                var perPeriod = Math.Max(1, perMinute / 60);
                return RateLimitPartition.GetTokenBucketLimiter((caller, perMinute), _ => new TokenBucketRateLimiterOptions
                {
                    TokenLimit = perMinute,
                    TokensPerPeriod = perPeriod,
                    ReplenishmentPeriod = TimeSpan.FromMinutes(1) * perPeriod / perMinute,
                    QueueLimit = 0,
                });
            });
            limiter.AddPolicy(ReadyzPerAddress, context =>
            {
                var perMinute = Limits(context).ReadyzPerAddressPerMinute;
                var from = ClientAddress.Key(Address(context));
                context.Items[LimitedBy] = (RateLimitOptions.Key(nameof(RateLimitOptions.ReadyzPerAddressPerMinute)), from);
                return RateLimitPartition.GetFixedWindowLimiter((from, perMinute), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = perMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var context = rejected.HttpContext;
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                var (limit, caller) = context.Items[LimitedBy] is (string l, string c) ? (l, c) : ("RateLimits", Address(context).ToString());
                await context.RequestServices.GetRequiredService<Audit.RateLimitAudit>().TrippedAsync(context, limit, caller);
                await TooManyRequestsAsync(context, retryAfter, "Too many requests from this caller: wait for the Retry-After seconds, then send again.");
            };
        });
        return services;
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds, at least 1) and a problem+json body.</summary>
    public static Task TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many requests", detail);
    }

    /// <summary>The client's address (the proxy's <c>X-Forwarded-For</c> when it is a known proxy; see <see cref="ProxySetup"/>).</summary>
    public static IPAddress Address(HttpContext context) => context.Connection.RemoteIpAddress ?? IPAddress.None;

    private static RateLimitOptions Limits(HttpContext context) => context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
}
