namespace MonitorApp.Tests.Infrastructure;

/// <summary>Reads the dashboard's event stream as a browser's EventSource does.</summary>
public static class SseCount
{
    /// <summary>The next active-sessions count the stream sends within <paramref name="within"/>, or null.</summary>
    public static async Task<string?> NextAsync(StreamReader reader, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        string? currentEvent = null;
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: "))
                    currentEvent = line["event: ".Length..];
                else if (line.StartsWith("data: ") && currentEvent == "active-sessions")
                    return line["data: ".Length..];
            }
        }
        catch (OperationCanceledException)
        {
        }
        return null;
    }
}
