using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// Decrypting the sign-in cookie is most of what a dashboard refresh costs once its HTML is cached. A cookie
/// read in the last <see cref="FreshFor"/> is not decrypted again: its ticket is remembered, keyed by the
/// cookie's exact protected text (which only its holder has), and handed out as a copy. Everything after
/// the read still runs on every request: the expiry check, and the sign-in check that a disabled user or a
/// changed role ends at once. Bounded: at most <see cref="MaxEntries"/> cookies are remembered.
/// </summary>
public sealed class RecentlyReadCookies(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time) : ISecureDataFormat<AuthenticationTicket>
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AuthenticationTicket Ticket, DateTimeOffset ReadAt)> tickets = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
            return inner.Unprotect(protectedText, purpose);
        var now = time.GetUtcNow();
        if (tickets.TryGetValue(protectedText, out var entry) && now >= entry.ReadAt && now - entry.ReadAt < FreshFor)
            return Copy(entry.Ticket);

        var ticket = inner.Unprotect(protectedText);
        if (ticket is null)
            return null;
        if (tickets.Count >= MaxEntries)
        {
            foreach (var (key, old) in tickets)
            {
                if (now - old.ReadAt >= FreshFor || now < old.ReadAt)
                    tickets.TryRemove(key, out _);
            }
            if (tickets.Count >= MaxEntries)
                return ticket; // a flood of distinct cookies: read them the slow way, remember none
        }
        tickets[protectedText] = (Copy(ticket), now);
        return ticket;
    }

    /// <summary>The handler may change a ticket's properties (sliding renewal): each request gets its own.</summary>
    private static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(ticket.Principal.Clone(), ticket.Properties.Clone(), ticket.AuthenticationScheme);
}
