namespace MonitorApp.Tests.Infrastructure;

/// <summary>Where the repository is, found from the test assembly (bin/…) up to the folder holding MonitorApp.sln.</summary>
public static class Repository
{
    public static readonly string Root = Find();

    private static string Find()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "MonitorApp.sln")))
            folder = folder.Parent;
        return folder?.FullName ?? throw new InvalidOperationException($"no MonitorApp.sln above {AppContext.BaseDirectory}");
    }
}
