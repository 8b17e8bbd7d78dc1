namespace MonitorApp.Cli;

/// <summary>
/// <c>MonitorApp healthcheck [--url http://127.0.0.1:8080/healthz]</c>: asks a running instance for <c>/healthz</c> and
/// exits 0 when it answers 2xx within 3 s, else 1 — the container's health check, so the runtime image needs no curl.
/// Kept apart from the other commands: it must not build the app's services or touch the database.
/// </summary>
public static class HealthCheckCommand
{
    public const string Name = "healthcheck";

    public static bool IsInvocation(string[] args) => args.Length > 0 && args[0] == Name;

    public static async Task<int> RunAsync(string[] args, TextWriter stderr)
    {
        if (ParseUrl(args) is not { } url)
        {
            await stderr.WriteLineAsync($"error: usage: {Name} [--url http://127.0.0.1:8080/healthz] (an absolute http or https URL)");
            return 2;
        }
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(url);
            if (response.IsSuccessStatusCode)
                return 0;
            await stderr.WriteLineAsync($"unhealthy: {url} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await stderr.WriteLineAsync($"unhealthy: {url}: {ex.Message}");
        }
        return 1;
    }

    /// <summary>
    /// <c>--url</c>, else where this host listens: the first <c>http://</c> address of <c>ASPNETCORE_URLS</c> (a wildcard host
    /// asked on 127.0.0.1), else the first port of <c>ASPNETCORE_HTTP_PORTS</c> (the container sets 8080), else 8080.
    /// </summary>
    private static Uri? ParseUrl(string[] args)
    {
        if (args is [_, "--url", var given])
            return Uri.TryCreate(given, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri : null;
        if (args.Length != 1)
            return null;
        var urls = Environment.GetEnvironmentVariable("ASPNETCORE_URLS")?.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (urls.FirstOrDefault(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) is { } listening)
        {
            var local = System.Text.RegularExpressions.Regex.Replace(listening, @"^http://(\*|\+|0\.0\.0\.0|\[::\])", "http://127.0.0.1");
            return Uri.TryCreate(local.TrimEnd('/') + "/healthz", UriKind.Absolute, out var fromUrls) ? fromUrls : null;
        }
        var ports = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var port = ports is [var first, ..] && int.TryParse(first, out var p) ? p : 8080;
        return new Uri($"http://127.0.0.1:{port}/healthz");
    }
}
