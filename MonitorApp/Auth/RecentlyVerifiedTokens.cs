using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public sealed record VerifiedToken(int Id, string Name, string Role, DateTime? LastUsedAt, DateTime? ExpiresAt);

/// <summary>
/// Tokens this instance verified against the database lately: trusted without a lookup for
/// <see cref="FreshFor"/>, and while the database cannot be asked for <see cref="OutageGrace"/>. A token
/// the database no longer knows, or that is revoked here, is forgotten at once.
/// </summary>
public sealed class RecentlyVerifiedTokens : IClusterListener
{
    /// <summary>How long a verification stands: the longest a revocation on another instance takes to count.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan OutageGrace = TimeSpan.FromMinutes(15);

    private const int MaxRevoked = 10_000;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (VerifiedToken Token, DateTime At)> tokens = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> revoked = new();
    private long generation;

    /// <summary>Moves on at every revocation: read before asking the database, passed to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>Remembers a verification, unless a revocation came in since it asked the database (its answer may predate it).</summary>
    public void Remember(string hash, VerifiedToken token, DateTime at, long askedAt)
    {
        lock (tokens)
        {
            if (Generation == askedAt)
                tokens[hash] = (token, at);
        }
    }

    public void Forget(string hash) => tokens.TryRemove(hash, out _);

    /// <summary>The topic a revocation is announced under, keyed by the token's name.</summary>
    public const string ClusterTopic = "token";

    string IClusterListener.Topic => ClusterTopic;
    void IClusterListener.Receive(string? key)
    {
        if (key is not null)
            ForgetName(key);
    }
    void IClusterListener.Missed() => ForgetAll();

    public void ForgetAll()
    {
        lock (tokens)
        {
            Interlocked.Increment(ref generation);
            tokens.Clear();
        }
    }

    /// <summary>
    /// Forgets every token of that name (the revoking instance knows names, not secrets), and remembers the ones it knew as
    /// revoked: while the database is unreachable they are refused, not served from memory.
    /// </summary>
    public void ForgetName(string name)
    {
        lock (tokens)
        {
            Interlocked.Increment(ref generation);
            foreach (var (hash, entry) in tokens)
            {
                if (entry.Token.Name == name)
                {
                    tokens.TryRemove(hash, out _);
                    if (revoked.Count >= MaxRevoked)
                        revoked.Clear();
                    revoked[hash] = true;
                }
            }
        }
    }

    /// <summary>Whether this instance saw the token revoked (it had verified it before).</summary>
    public bool WasRevoked(string hash) => revoked.ContainsKey(hash);

    /// <summary>A token verified less than <see cref="FreshFor"/> ago.</summary>
    public VerifiedToken? RecallFresh(string hash, DateTime now) => Recall(hash, now, FreshFor);

    /// <summary>A token verified less than <see cref="OutageGrace"/> ago, for when the database is unreachable.</summary>
    public VerifiedToken? Recall(string hash, DateTime now) => Recall(hash, now, OutageGrace);

    private VerifiedToken? Recall(string hash, DateTime now, TimeSpan within) =>
        tokens.TryGetValue(hash, out var entry) && now >= entry.At && now - entry.At < within ? entry.Token : null;
}
