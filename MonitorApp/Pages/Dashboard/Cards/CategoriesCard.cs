using MonitorApp.Metrics;

namespace MonitorApp.Pages.Dashboard.Cards;

/// <summary>Sessions started in the last 24 hours by counselor category, most first.</summary>
public sealed record CategoriesCard(IReadOnlyList<(string Category, long Sessions)> Rows, long Total)
{
    public static CategoriesCard From(DashboardView view)
    {
        var sessions = view.Sessions;
        return new(sessions.SessionsByCategory.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => (c.Key, c.Value)).ToList(), sessions.TotalSessions);
    }
}
