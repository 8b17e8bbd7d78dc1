using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MonitorApp.Data;

namespace MonitorApp.Bench;

/// <summary>BENCHMARKS.md: what was measured, on what, and each target of issue 10 with whether it is met.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Write(List<Measurement> rows, List<HttpMeasurement> http, bool smoke)
    {
        var b = new StringBuilder();
        b.AppendLine("# MonitorApp benchmarks");
        b.AppendLine();
        b.AppendLine($"Written by `bench/MonitorApp.Bench`{(smoke ? " in smoke mode (small sizes, figures not meaningful)" : "")} on {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: " +
                     $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {PostgresVersion()}, wrk {WrkVersion()}. " +
                     "Each comparison is inside one run on one machine, client and server sharing its cores.");
        b.AppendLine();
        b.AppendLine("## In process: seeding and the snapshot");
        b.AppendLine();
        b.AppendLine("Sessions (each started and with a quality, over 30 days) and a week of per-minute request outcomes for five services go through " +
                     "the app's ingestion API in-process. Times are medians: the snapshot round of 9 runs, the first version's way (load the rows of " +
                     "each window and loop) of 3. The snapshot is timed twice: right after the bulk load (counter tables full of dead row versions, " +
                     "no planner statistics yet) and settled, after `VACUUM ANALYZE` (PostgreSQL; `ANALYZE` on SQLite) — the state autovacuum " +
                     "leaves within a minute or so of such a load, and the one the targets are judged on.");
        b.AppendLine();
        b.AppendLine("| database | sessions | rollup rows | ingestion (4 clients × 5,000-event batches) | snapshot round, just loaded | snapshot round, settled (queries) | the first version's way | ours faster by |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in rows)
        {
            b.AppendLine(string.Create(Inv, $"| {r.Provider} | {r.Sessions:N0} | {r.RollupRows:N0} | {r.IngestEventsPerSecond:N0} events/s | {r.JustLoadedSnapshotMedianMs:F1} ms | {r.SnapshotMedianMs:F1} ms ({r.SnapshotQueries}) | {r.NaiveMedianMs:F1} ms | {r.NaiveMedianMs / r.SnapshotMedianMs:F1}× |"));
        }
        b.AppendLine();
        b.AppendLine("## The published app over HTTP");
        b.AppendLine();
        b.AppendLine("The app published as the Dockerfile does, started as its own process on the database seeded above, driven by `wrk` " +
                     "(50 connections; requests per second are medians of 3 runs, the three routes taking turns). `/api/admin/metrics/current` " +
                     "with a SYSTEM_MONITOR token, the dashboard refresh (`/admin/dashboard?handler=Cards`, as htmx sends it) with a sign-in cookie. " +
                     "Database transactions per second from PostgreSQL's own counter (`pg_stat_database`), background work included, " +
                     "with 1 and with 200 pollers of `/current`. Then session ingestion over HTTP (4 clients × 5,000-event batches of new sessions) " +
                     $"and the process's resident memory (VmRSS) {HttpBench.Settle(smoke).TotalSeconds:0} s after it (what a burst left committed is given back once the process is quiet: README \"Memory\").");
        b.AppendLine();
        b.AppendLine("| database | sessions | `/healthz` | `/current` (÷ healthz) | refresh (÷ healthz) | db transactions/s: 1 poller → 200 | HTTP ingestion | memory: idle → after ingestion (peak) | after ingestion: own / mapped files / shared |");
        b.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var h in http)
        {
            var transactions = h.TransactionsPerSecondOnePoller is { } one ? string.Create(Inv, $"{one:F1} → {h.TransactionsPerSecondManyPollers:F1}") : "not measured (SQLite has no such counter)";
            b.AppendLine(string.Create(Inv, $"| {h.Provider} | {h.Sessions:N0} | {h.HealthzPerSecond:N0}/s | {h.CurrentPerSecond:N0}/s ({h.CurrentPerSecond / h.HealthzPerSecond:F2}) | " +
                                            $"{h.CardsPerSecond:N0}/s ({h.CardsPerSecond / h.HealthzPerSecond:F2}) | {transactions} | {h.IngestEventsPerSecond:N0} events/s ({h.IngestedEvents:N0}) | " +
                                            $"{Mb(h.ResidentBytesIdle)} → {Mb(h.ResidentBytesAfterLoad)} ({Mb(h.PeakResidentBytes)}) | " +
                                            $"{Mb(h.AfterLoadByKind.Anonymous)} / {Mb(h.AfterLoadByKind.Files)} / {Mb(h.AfterLoadByKind.Shared)} |"));
        }
        b.AppendLine();
        b.AppendLine("## Targets (issue 10)");
        b.AppendLine();
        b.AppendLine("| target | measured | met |");
        b.AppendLine("|---|---|---|");
        foreach (var provider in rows.Select(r => r.Provider).Distinct())
        {
            var (lo, hi) = (rows.First(r => r.Provider == provider), rows.Last(r => r.Provider == provider));
            var growth = hi.SnapshotMedianMs / lo.SnapshotMedianMs;
            Target(b, $"{provider}: snapshot at {hi.Sessions:N0} sessions ≤ 2× at {lo.Sessions:N0}", $"{growth:F2}×", growth <= 2);
            Target(b, $"{provider}: snapshot round ≤ 50 ms", $"{hi.SnapshotMedianMs:F1} ms", hi.SnapshotMedianMs <= 50);
            var faster = hi.NaiveMedianMs / hi.SnapshotMedianMs;
            Target(b, $"{provider}: ours ≥ 30× faster than the first version's way", $"{faster:F1}× at {hi.Sessions:N0}", faster >= 30);
            var target = provider == DatabaseProvider.Postgres ? 25_000 : 10_000;
            Target(b, $"{provider}: ingestion ≥ {target:N0} events/s", $"{hi.IngestEventsPerSecond:N0} events/s in process, " +
                      $"{http.FirstOrDefault(h => h.Provider == provider)?.IngestEventsPerSecond ?? 0:N0} over HTTP", hi.IngestEventsPerSecond >= target);
            if (http.FirstOrDefault(h => h.Provider == provider) is not { } h)
                continue;
            Target(b, $"{provider}: `/current` ÷ `/healthz` ≥ 0.5", $"{h.CurrentPerSecond / h.HealthzPerSecond:F2}", h.CurrentPerSecond / h.HealthzPerSecond >= 0.5);
            Target(b, $"{provider}: dashboard refresh ÷ `/healthz` ≥ 0.5", $"{h.CardsPerSecond / h.HealthzPerSecond:F2}", h.CardsPerSecond / h.HealthzPerSecond >= 0.5);
            if (h.TransactionsPerSecondOnePoller is { } oneRate && h.TransactionsPerSecondManyPollers is { } manyRate)
            {
                // Constant: 200 pollers cost the database no more than 1 does, give or take a transaction a second.
                Target(b, $"{provider}: database cost per second constant from 1 to {h.ManyPollers} pollers",
                    $"{oneRate:F1} → {manyRate:F1} transactions/s ({manyRate / Math.Max(h.CurrentPerSecond, 1):F4} per request at {h.ManyPollers})", manyRate <= oneRate + 1);
            }
            Target(b, $"{provider}: resident memory after the ingestion load ≤ 200 MB", Mb(h.ResidentBytesAfterLoad), h.ResidentBytesAfterLoad <= 200L * 1024 * 1024);
        }
        return b.ToString();
    }

    private static void Target(StringBuilder b, string target, string measured, bool met) =>
        b.AppendLine(string.Create(Inv, $"| {target} | {measured} | {(met ? "yes" : "no")} |"));

    private static string Mb(long bytes) => string.Create(Inv, $"{bytes / 1024.0 / 1024:F0} MB");

    private static string PostgresVersion()
    {
        var bin = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(Path.GetFileName).Max() : null;
        return bin is null ? "PostgreSQL (version unknown)" : $"PostgreSQL {bin}";
    }

    private static string WrkVersion()
    {
        try
        {
            using var wrk = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("wrk", ["-v"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = wrk.StandardOutput.ReadToEnd() + wrk.StandardError.ReadToEnd();
            wrk.WaitForExit();
            return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) ?? "unknown";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
