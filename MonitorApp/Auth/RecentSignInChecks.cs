using MonitorApp.Data;
using System.Collections.Concurrent;

namespace MonitorApp.Auth;

/// <summary>What this instance knows of one sign-in session: read from the database at <see cref="CheckedAt"/>, then kept up to date by its requests.</summary>
public sealed class SessionCheck(string userId, string stamp, DateTime createdAt, DateTime lastActiveAt, DateTime checkedAt)
{
    private long lastActiveTicks = lastActiveAt.Ticks;
    private long storedActiveTicks = lastActiveAt.Ticks;

    public string UserId => userId;
    public string Stamp => stamp;
    public DateTime CreatedAt => createdAt;
    public DateTime CheckedAt => checkedAt;

    /// <summary>The person's last request that this instance or the database knows of.</summary>
    public DateTime LastActiveAt => new(Interlocked.Read(ref lastActiveTicks), DateTimeKind.Utc);

    /// <summary>What the database holds as the last activity.</summary>
    public DateTime StoredActiveAt => new(Interlocked.Read(ref storedActiveTicks), DateTimeKind.Utc);

    public void Active(DateTime at)
    {
        var ticks = at.Ticks;
        long seen;
        while ((seen = Interlocked.Read(ref lastActiveTicks)) < ticks && Interlocked.CompareExchange(ref lastActiveTicks, ticks, seen) != seen)
        {
        }
    }

    public void Stored(DateTime at) => Interlocked.Exchange(ref storedActiveTicks, at.Ticks);
}

/// <summary>
/// Sign-in sessions this instance checked against the database in the last <see cref="FreshFor"/>: a dashboard polling,
/// or many of them, costs one lookup per session every few seconds instead of one per request. Signing out, disabling a
/// user or changing their role or password here forgets them at once; on another instance it counts within
/// <see cref="FreshFor"/> (at once where LISTEN/NOTIFY carries it).
/// </summary>
public sealed class RecentSignInChecks : IClusterListener
{
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);
    private const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, SessionCheck> checks = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> endedSessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> changedUsers = new(StringComparer.Ordinal);
    private long generation;

    /// <summary>Moves on at every change: read before asking the database, passed to <see cref="Remember"/>.</summary>
    public long Generation => Interlocked.Read(ref generation);

    /// <summary>The session's check when it is fresh and still for this user and stamp.</summary>
    public SessionCheck? Fresh(string sessionId, string userId, string stamp, DateTime now) =>
        checks.TryGetValue(sessionId, out var check) && check.UserId == userId && check.Stamp == stamp && now >= check.CheckedAt && now - check.CheckedAt < FreshFor
            ? check
            : null;

    /// <summary>The last check of a session however old (while the database cannot be asked).</summary>
    public SessionCheck? Last(string sessionId) => checks.GetValueOrDefault(sessionId);

    /// <summary>Remembers a check, unless something changed since it asked the database (its answer may predate that).</summary>
    public void Remember(string sessionId, SessionCheck check, long askedAt)
    {
        lock (checks)
        {
            if (Generation != askedAt)
                return;
            if (checks.Count >= MaxEntries)
                checks.Clear();
            checks[sessionId] = check;
        }
    }

    /// <summary>The session is checked again at its next request; <paramref name="ended"/>: it was signed out, and is refused even while the database is unreachable.</summary>
    public void ForgetSession(string sessionId, bool ended = false)
    {
        lock (checks)
        {
            Interlocked.Increment(ref generation);
            checks.TryRemove(sessionId, out _);
            if (ended)
                Mark(endedSessions, sessionId);
        }
    }

    /// <summary>
    /// Every session of this user is checked again at its next request (the user was disabled, or their role, password or
    /// second factor changed, or they signed out somewhere); while the database is unreachable they are refused.
    /// </summary>
    public void Forget(string userId)
    {
        lock (checks)
        {
            Interlocked.Increment(ref generation);
            foreach (var (id, check) in checks)
            {
                if (check.UserId == userId)
                    checks.TryRemove(id, out _);
            }
            Mark(changedUsers, userId);
        }
    }

    /// <summary>
    /// Whether a sign-in may go on unchecked while the database is unreachable: not one this instance saw end, nor one of a
    /// user it saw change (which it cannot tell apart from the new state without the database).
    /// </summary>
    public bool MayKeepDuringOutage(string sessionId, string userId) =>
        !endedSessions.ContainsKey(sessionId) && !changedUsers.ContainsKey(userId);

    private static void Mark(ConcurrentDictionary<string, bool> set, string key)
    {
        if (set.Count >= MaxEntries)
            set.Clear();
        set[key] = true;
    }

    /// <summary>The topic a change of a user's sign-ins is announced under, keyed by the user's id.</summary>
    public const string ClusterTopic = "user";

    string IClusterListener.Topic => ClusterTopic;
    void IClusterListener.Receive(string? key)
    {
        if (key is not null)
            Forget(key);
    }
    void IClusterListener.Missed() => ForgetAll();

    public void ForgetAll()
    {
        lock (checks)
        {
            Interlocked.Increment(ref generation);
            checks.Clear();
        }
    }
}
