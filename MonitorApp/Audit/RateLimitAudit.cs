namespace MonitorApp.Audit;

/// <summary>
/// Records a tripped rate limit in the audit trail once a minute per limit and caller at most (an IPv6 client by its /64,
/// as the limits count it): a flood of refused requests must not become a flood of writes.
/// </summary>
public sealed class RateLimitAudit(TimeProvider time, ILogger<RateLimitAudit> logger)
{
    private static readonly TimeSpan Every = TimeSpan.FromMinutes(1);
    private const int MaxRemembered = 10_000;

    /// <summary>One record per key a minute; bounded, making room by dropping expired then oldest keys, never all at once.</summary>
    private readonly FixedWindowCounters recorded = new(permits: 1, Every, MaxRemembered, time);

    /// <summary><paramref name="limit"/> names the limit (e.g. <c>RateLimits:SignInsPerAddressPerMinute</c>); <paramref name="caller"/> who tripped it (an account, a token, an address).</summary>
    public Task TrippedAsync(HttpContext context, string limit, string caller, string action = AuditActions.RateLimited) =>
        TrippedAsync(context, limit, $"{limit}|{caller}|{ClientAddress.Key(context.Connection.RemoteIpAddress)}", () => Task.FromResult(caller), action);

    /// <summary>As above, with the caller worked out only when the event is recorded (it may take a lookup): once a minute per limit and address.</summary>
    public Task TrippedAsync(HttpContext context, string limit, Func<Task<string>> callerOf, string action = AuditActions.RateLimited) =>
        TrippedAsync(context, limit, $"{limit}|{action}|{ClientAddress.Key(context.Connection.RemoteIpAddress)}", callerOf, action);

    private async Task TrippedAsync(HttpContext context, string limit, string key, Func<Task<string>> callerOf, string action)
    {
        if (recorded.TryTake(key) is not null)
            return;
        var caller = "unknown";
        try
        {
            caller = await callerOf();
            await context.RequestServices.GetRequiredService<AuditLog>()
                .RecordAsync(action, AuditActions.Refused, target: limit, detail: $"{context.Request.Method} {context.Request.Path}", actor: caller);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or InvalidOperationException or Microsoft.EntityFrameworkCore.DbUpdateException)
        {
            logger.LogWarning(ex, "Could not record the rate limit {Limit} tripped by {Caller}", limit, caller);
        }
    }
}
