using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MonitorApp.Alerts.Channels;
using MonitorApp.Data;
using MonitorApp.Metrics;
using MonitorApp.Web;

namespace MonitorApp.Alerts;

/// <summary>
/// [elected] Every <c>Alerts:EvaluateSeconds</c>, judges the rules against the latest snapshot on the elected instance:
/// pending until a condition has held for <c>For</c>, firing, resolved once false for <c>KeepFiringFor</c>. State changes,
/// their notifications (one per channel) and the timeline's events are stored in one transaction.
/// </summary>
public sealed class AlertEvaluator(
    IServiceScopeFactory scopes,
    LeaderElection election,
    MetricsSnapshotService snapshots,
    AlertChannels channels,
    AlertBoard board,
    AlertDelivery delivery,
    TimeProvider time,
    IOptions<AlertsOptions> options,
    IOptions<HealthOptions> health,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private DatabaseOutage? outage;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.EvaluateSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await EvaluateAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogWarning(ex, "Evaluating the alert rules failed; trying again at the next evaluation");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One evaluation, if this instance is the elected one (or held the election when the database went away).</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        if (snapshots.Latest is not { } snapshot)
            return;
        await turn.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (await election.IsElectedAsync(cancellationToken))
            {
                try
                {
                    await EvaluateStoredAsync(snapshot, now, cancellationToken);
                    return;
                }
                catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
                {
                    logger.LogWarning("Alert state cannot be stored: the database is unreachable");
                }
            }
            // No database, so no election: the instance that held it last says so, from memory, and writes it down later.
            if (snapshot.Stale && election.HeldLast)
                await EvaluateOutageAsync(now, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    private async Task EvaluateStoredAsync(MetricsSnapshot snapshot, DateTime now, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        using var writing = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        var states = await db.AlertStates.ToDictionaryAsync(s => (s.Rule, s.Subject), cancellationToken);
        var silences = await db.Silences.AsNoTracking().Where(s => s.EndsAt > now).ToListAsync(cancellationToken);
        var round = new Round(db, now, silences, [.. channels.Names], options.Value.DashboardUrl);
        if (outage is { } ended)
        {
            ended.WriteDown(round, states);
            outage = null;
        }

        var conditions = AlertRules.Evaluate(snapshot, health.Value).Where(c => options.Value.Rule(c.Rule).Enabled).ToList();
        var decided = conditions.Select(c => (c.Rule, c.Subject)).ToHashSet();
        // An alert no condition speaks for any more (its rule turned off, its service no longer configured) ends as a false one
        // would. While the database is unreachable only that rule is decided: the rest keep their state.
        if (!snapshot.Stale)
        {
            conditions.AddRange(states.Values.Where(s => !decided.Contains((s.Rule, s.Subject)))
                .Select(s => new AlertCondition(s.Rule, s.Subject, false, null, s.Threshold, "no longer evaluated (rule disabled or service removed)")));
        }
        foreach (var condition in conditions)
            Step(round, condition, states.GetValueOrDefault((condition.Rule, condition.Subject)));

        await RecordChangesAsync(round, snapshot, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (round.Changed)
        {
            delivery.Wake();
            await board.RefreshAsync(cancellationToken);
        }
    }

    private void Step(Round round, AlertCondition c, AlertState? state)
    {
        var rule = options.Value.Rule(c.Rule);
        if (c.Holds)
        {
            if (state is null)
            {
                state = new AlertState { Rule = c.Rule, Subject = c.Subject, State = AlertState.Pending, ActiveSince = round.Now };
                round.Db.AlertStates.Add(state);
                round.Event(TimelineEvent.Alert, Name(c.Rule, c.Subject), AlertState.Pending, null, $"{Name(c.Rule, c.Subject)} pending", c.Reason);
            }
            (state.Value, state.Threshold, state.Reason, state.ClearSince) = (c.Value, c.Threshold, c.Reason, null);
            if (state.State == AlertState.Pending && round.Now - state.ActiveSince >= rule.For)
                Fire(round, state);
            return;
        }
        if (state is null)
            return;
        if (state.State == AlertState.Pending)
        {
            round.Db.AlertStates.Remove(state);
            round.Event(TimelineEvent.Alert, Name(c.Rule, c.Subject), "inactive", AlertState.Pending, $"{Name(c.Rule, c.Subject)} no longer pending", c.Reason);
            return;
        }
        (state.Value, state.Reason) = (c.Value, c.Reason);
        state.ClearSince ??= round.Now;
        if (round.Now - state.ClearSince >= rule.KeepFiringFor)
            Resolve(round, state);
    }

    private static void Fire(Round round, AlertState state)
    {
        state.State = AlertState.Firing;
        state.FiredAt = round.Now;
        state.Fingerprint = Fingerprint(state.Rule, state.Subject, round.Now);
        var silenced = round.IsSilenced(state);
        state.Notified = !silenced && round.Channels.Count > 0;
        round.Event(TimelineEvent.Alert, Name(state.Rule, state.Subject), AlertState.Firing, AlertState.Pending,
            $"{Name(state.Rule, state.Subject)} firing{(silenced ? " (silenced: nobody notified)" : "")}", state.Reason);
        if (!silenced)
            round.Notify(state, AlertState.Firing, resolvedAt: null);
    }

    private static void Resolve(Round round, AlertState state)
    {
        round.Db.AlertStates.Remove(state);
        var silenced = round.IsSilenced(state);
        round.Event(TimelineEvent.Alert, Name(state.Rule, state.Subject), "resolved", AlertState.Firing,
            $"{Name(state.Rule, state.Subject)} resolved{(silenced ? " (silenced: nobody notified)" : "")}", state.Reason);
        if (state.Notified && !silenced)
            round.Notify(state, "resolved", resolvedAt: round.Now);
    }

    /// <summary>Health and external-service changes go into the timeline as they are seen.</summary>
    private static async Task RecordChangesAsync(Round round, MetricsSnapshot snapshot, CancellationToken cancellationToken)
    {
        var db = round.Db;
        var level = snapshot.Health.Level.Name();
        var lastHealth = await db.TimelineEvents.AsNoTracking().Where(e => e.Kind == TimelineEvent.Health)
            .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.State).FirstOrDefaultAsync(cancellationToken);
        if (lastHealth != level)
            round.Event(TimelineEvent.Health, "system", level, lastHealth, lastHealth is null ? $"health {level} (first seen)" : $"health {lastHealth} → {level}",
                string.Join('\n', snapshot.Health.Reasons));
        if (snapshot.Stale)
            return;
        foreach (var service in snapshot.ExternalServices)
        {
            var last = await db.TimelineEvents.AsNoTracking().Where(e => e.Kind == TimelineEvent.Service && e.Subject == service.Name)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.State).FirstOrDefaultAsync(cancellationToken);
            // A service never seen and not known yet (not configured, not checked) has no change to tell.
            if (last != service.Status && (last is not null || service.Status != "unknown"))
                round.Event(TimelineEvent.Service, service.Name, service.Status, last, $"{service.DisplayName} {last ?? "unknown"} → {service.Status}", service.Detail);
        }
    }

    /// <summary>The database_unreachable alert while there is no database: kept in memory, sent straight to the channels.</summary>
    private async Task EvaluateOutageAsync(DateTime now, CancellationToken cancellationToken)
    {
        var rule = options.Value.Rule(AlertRules.DatabaseUnreachable);
        if (!rule.Enabled)
            return;
        outage ??= new DatabaseOutage(now);
        if (outage.FiredAt is null && now - outage.Since >= rule.For)
        {
            outage.FiredAt = now;
            outage.Silenced = board.Current.Silences.Any(s => s.Covers(AlertRules.DatabaseUnreachable, "", now));
            logger.LogWarning("Alert {Rule} firing (the database has been unreachable since {Since:u})", AlertRules.DatabaseUnreachable, outage.Since);
        }
        if (outage is not { FiredAt: { } firedAt, Silenced: false })
            return;
        var message = outage.Message(options.Value.DashboardUrl);
        foreach (var name in channels.Names.Where(n => !outage.Sent.ContainsKey(n)))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(AlertDelivery.AttemptTimeout);
                await channels.Find(name)!.SendAsync(message, timeout.Token);
                outage.Sent[name] = now;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Notifying {Channel} of {Rule} failed: {Error}; trying again at the next evaluation", name, AlertRules.DatabaseUnreachable, ex.Message);
            }
        }
    }

    private static string Name(string rule, string subject) => subject.Length == 0 ? rule : $"{rule} {subject}";

    public static string Fingerprint(string rule, string subject, DateTime firedAt) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{rule}\n{subject}\n{firedAt.Ticks}")))[..16];

    /// <summary>What one evaluation changes, gathered before it is saved in one go.</summary>
    private sealed class Round(MonitorDbContext db, DateTime now, List<Silence> silences, List<string> channels, string? dashboardUrl)
    {
        public MonitorDbContext Db => db;
        public DateTime Now => now;
        public IReadOnlyList<string> Channels => channels;
        public string? DashboardUrl => dashboardUrl;
        public bool Changed { get; private set; }

        public bool IsSilenced(AlertState state) => silences.Any(s => s.Covers(state.Rule, state.Subject, now));

        public void Event(string kind, string subject, string state, string? previous, string summary, string reasons)
        {
            db.TimelineEvents.Add(new TimelineEvent { At = now, Kind = kind, Subject = subject, State = state, PreviousState = previous, Summary = Trim(summary, 500), Reasons = Trim(reasons, 4000) });
            Changed = true;
        }

        public void Notify(AlertState state, string to, DateTime? resolvedAt, DateTime? deliveredAt = null)
        {
            var message = new AlertMessage(state.Rule, to, AlertRules.Severity(state.Rule), state.Value, state.Threshold, state.FiredAt!.Value, resolvedAt,
                [state.Reason], dashboardUrl, state.Fingerprint, state.Subject.Length == 0 ? null : state.Subject).ToJson();
            foreach (var channel in channels)
            {
                db.AlertNotifications.Add(new AlertNotification
                {
                    Fingerprint = state.Fingerprint, Channel = channel, State = to, Rule = state.Rule, Subject = state.Subject, Message = message,
                    CreatedAt = now, NextAttemptAt = now,
                });
            }
            Changed = true;
        }

        private static string Trim(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
    }

    /// <summary>A database outage seen from memory: when it began, when its alert fired, which channels were told.</summary>
    private sealed class DatabaseOutage(DateTime since)
    {
        public DateTime Since => since;
        public DateTime? FiredAt { get; set; }
        public bool Silenced { get; set; }
        public Dictionary<string, DateTime> Sent { get; } = new(StringComparer.Ordinal);

        public string Fingerprint => AlertEvaluator.Fingerprint(AlertRules.DatabaseUnreachable, "", FiredAt!.Value);

        public AlertMessage Message(string? dashboardUrl) => new(AlertRules.DatabaseUnreachable, AlertState.Firing, AlertRules.Severity(AlertRules.DatabaseUnreachable),
            null, null, FiredAt!.Value, null, [$"database unreachable since {since:yyyy-MM-dd HH:mm:ss} UTC"], dashboardUrl, Fingerprint, null);

        /// <summary>
        /// The database is back: the alert is stored as firing (it resolves as any other), with its notifications — the ones
        /// sent as delivered, the others due now — so nothing is sent twice and nothing that was due is dropped.
        /// </summary>
        public void WriteDown(Round round, Dictionary<(string, string), AlertState> states)
        {
            if (FiredAt is not { } firedAt || states.ContainsKey((AlertRules.DatabaseUnreachable, "")))
                return;
            var state = new AlertState
            {
                Rule = AlertRules.DatabaseUnreachable, State = AlertState.Firing, ActiveSince = since, FiredAt = firedAt,
                Reason = $"database unreachable since {since:yyyy-MM-dd HH:mm:ss} UTC", Fingerprint = Fingerprint, Notified = !Silenced && round.Channels.Count > 0,
            };
            round.Db.AlertStates.Add(state);
            states[(state.Rule, state.Subject)] = state;
            round.Db.TimelineEvents.Add(new TimelineEvent
            {
                At = firedAt, Kind = TimelineEvent.Alert, Subject = state.Rule, State = AlertState.Firing, PreviousState = AlertState.Pending,
                Summary = $"{state.Rule} firing{(Silenced ? " (silenced: nobody notified)" : "")}", Reasons = state.Reason,
            });
            if (Silenced)
                return;
            var message = Message(null) with { DashboardUrl = round.DashboardUrl };
            foreach (var channel in round.Channels)
            {
                var sent = Sent.TryGetValue(channel, out var at);
                round.Db.AlertNotifications.Add(new AlertNotification
                {
                    Fingerprint = Fingerprint, Channel = channel, State = AlertState.Firing, Rule = state.Rule, Message = message.ToJson(),
                    CreatedAt = firedAt, NextAttemptAt = round.Now, DeliveredAt = sent ? at : null, Attempts = sent ? 1 : 0,
                });
            }
        }
    }
}
