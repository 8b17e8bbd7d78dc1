using Microsoft.EntityFrameworkCore;
using MonitorApp.Data;

namespace MonitorApp.Auth;

/// <summary>This feature's tables (API tokens and sign-in sessions) on the shared context: the context itself knows no feature.</summary>
public static class AuthTables
{
    extension(MonitorDbContext db)
    {
        public DbSet<ApiToken> ApiTokens => db.Set<ApiToken>();
        public DbSet<SignInSession> SignInSessions => db.Set<SignInSession>();
    }
}
