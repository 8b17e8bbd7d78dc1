using Microsoft.EntityFrameworkCore;
using MonitorApp.Api;
using MonitorApp.Data;
using MonitorApp.Sessions;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Sessions;

public sealed class NameAndColumnRulesTests
{
    [SkippableFact]
    public void DisplayNames_RefuseWhatCannotBeShownFaithfully()
    {
        // Built here, not passed as theory data: the test runner's own serialization would repair a lone surrogate.
        Assert.Contains("broken UTF-16 surrogate", DisplayNames.Problem("Career" + (char)0xD800)); // JSON readers refuse these first; other callers may not
        Assert.Contains("broken UTF-16 surrogate", DisplayNames.Problem((char)0xDC00 + "Career"));
        Assert.Contains("U+200B", DisplayNames.Problem("Career\u200B")); // zero-width space: two names that look the same
    }

    [SkippableTheory]
    [InlineData("Academic Stress")]
    [InlineData("platform-api_v2.1")]
    [InlineData("𝔐𝔞𝔱𝔥")] // letters outside the basic plane are letters
    public void DisplayNames_AcceptLettersOfAnyScriptDigitsAndDotDashUnderscore(string name) =>
        Assert.Null(DisplayNames.Problem(name));

    /// <summary>PostgreSQL ingestion writes sessions by listing their columns: a new column must be listed there too.</summary>
    [SkippableFact]
    public async Task TheSetBasedSessionWriter_ListsEveryColumnOfTheSessionsTable()
    {
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Postgres);
        var columns = await app.App.WithDbAsync(db => Task.FromResult(
            db.Model.FindEntityType(typeof(Session))!.GetProperties()
                .Select(p => p.GetColumnName(Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table("sessions", null))!)
                .Order().ToList()));
        Assert.Equal(columns, SessionRows.Columns.Split(", ").Order().ToList());
    }
}
