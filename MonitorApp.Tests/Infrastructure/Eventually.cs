using System.Diagnostics;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>
/// The one way a test waits for something another thread or process makes true: it asks again every <c>every</c> (default
/// 100 ms) until it holds, and fails naming what did not happen and how long it waited. No fixed sleep gates an assertion.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan DefaultEvery = TimeSpan.FromMilliseconds(100);

    /// <summary>Reads until <paramref name="holds"/> is true of what was read, and returns that reading.</summary>
    public static async Task<T> HoldsAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan within, string what, TimeSpan? every = null)
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var value = await read();
            if (holds(value))
                return value;
            if (waited.Elapsed >= within)
                throw new Xunit.Sdk.XunitException($"{what}: not within {within.TotalSeconds:0.#} s (last: {value})");
            await Task.Delay(every ?? DefaultEvery);
        }
    }

    public static Task HoldsAsync(Func<Task<bool>> check, TimeSpan within, string what, TimeSpan? every = null) =>
        HoldsAsync(check, held => held, within, what, every);

    public static Task HoldsAsync(Func<bool> check, TimeSpan within, string what, TimeSpan? every = null) =>
        HoldsAsync(() => Task.FromResult(check()), held => held, within, what, every);
}
