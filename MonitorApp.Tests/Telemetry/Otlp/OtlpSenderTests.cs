using Microsoft.Data.Sqlite;
using MonitorApp.Auth;
using MonitorApp.Tests.Infrastructure;
using OpenTelemetry.Metrics;

namespace MonitorApp.Tests.Telemetry.Otlp;

/// <summary>
/// Alone in the test run: the OpenTelemetry SDK reads every ASP.NET Core host's meter in its process, so another test's app
/// running beside it would be counted as the sender's requests. (MonitorApp runs as a process of its own for the same reason.)
/// </summary>
[CollectionDefinition(nameof(OtlpSenderCollection), DisableParallelization = true)]
public sealed class OtlpSenderCollection;

/// <summary>Real senders: OpenTelemetry's SDK exports http.server.request.duration to /v1/metrics; the service's requests appear exactly.</summary>
[Collection(nameof(OtlpSenderCollection))]
public sealed class OtlpSenderTests
{
    private sealed record Counts(long Requests, long Errors, long Slow);

    /// <summary>
    /// The service's rollups as stored: requests, 5xx errors, and requests over 250 ms (the 300 ms ones; on a busy 2-core
    /// machine running the browser tests beside this one, a 300 ms request was once measured past 500 ms).
    /// </summary>
    private static async Task<Counts> StoredAsync(string databaseFile, string service)
    {
        await using var connection = new SqliteConnection($"Data Source={databaseFile};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(requests),0), COALESCE(SUM(errors_5xx),0), COALESCE(SUM(requests - le5 - le10 - le25 - le50 - le75 - le100 - le250),0) FROM request_rollups WHERE service = $service";
        command.Parameters.AddWithValue("$service", service);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Counts(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    [SkippableTheory]
    [InlineData(MetricReaderTemporalityPreference.Delta)]
    [InlineData(MetricReaderTemporalityPreference.Cumulative)]
    public async Task AnInstrumentedService_ExportsToMonitorApp_AndItsRequestsErrorsAndLatencyAppearExactly(MetricReaderTemporalityPreference temporality)
    {
        var folder = Directory.CreateTempSubdirectory("monitor-otlp-");
        try
        {
            var settings = AppProcess.ProductionSettings(folder.FullName);
            settings["Telemetry__RecordOwnRequests"] = "false";
            await using var monitor = await AppProcess.StartAsync(settings);
            var token = await AppProcess.CreateTokenAsync(settings, null, "checkout-exporter", Roles.Ingest);
            var database = Path.Combine(folder.FullName, "monitor.db");
            var service = $"checkout-{temporality.ToString().ToLowerInvariant()}";

            await using (var sender = await OtelSender.StartAsync(service, monitor.BaseUrl, token, temporality))
            {
                await sender.ServeAsync(ok: 20, fail: 5, slow: 3);
                Assert.True(sender.Export(), "the exporter reported a failure:\n" + monitor.Output);
                Assert.Equal(new Counts(28, 5, 3), await StoredAsync(database, service));

                // Exporting again: a cumulative point repeats what was counted; only what is new is added.
                await sender.ServeAsync(ok: 4, fail: 1, slow: 0);
                Assert.True(sender.Export());
                Assert.True(sender.Export()); // nothing new in between
                Assert.Equal(new Counts(33, 6, 3), await StoredAsync(database, service));
            }

            // The service restarts: a cumulative stream starts over from zero, with a new start time.
            await using (var restarted = await OtelSender.StartAsync(service, monitor.BaseUrl, token, temporality))
            {
                await restarted.ServeAsync(ok: 2, fail: 0, slow: 1);
                Assert.True(restarted.Export());
                Assert.Equal(new Counts(36, 6, 4), await StoredAsync(database, service));
            }
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
