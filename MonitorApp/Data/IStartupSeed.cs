namespace MonitorApp.Data;

/// <summary>Rows a feature needs before the app serves a request, written at start-up once the schema is current.</summary>
public interface IStartupSeed
{
    /// <summary>Writes what is missing (it may already be there); <paramref name="scoped"/> is a scope of the start-up's own.</summary>
    Task SeedAsync(IServiceProvider scoped, CancellationToken cancellationToken);
}
