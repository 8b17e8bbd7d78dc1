namespace MonitorApp.Sessions;

public static class ActiveSessions
{
    /// <summary>Not ended, and started or heard from within the staleness window: the one definition of "active".</summary>
    public static IQueryable<Session> Of(IQueryable<Session> sessions, DateTime now, int staleAfterMinutes)
    {
        var cutoff = now.AddMinutes(-staleAfterMinutes);
        return sessions.Where(s => s.EndedAt == null && s.LastSeenAt >= cutoff);
    }
}
