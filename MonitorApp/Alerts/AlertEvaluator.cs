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
/// their notifications (one per channel) and the timeline's events are stored in one transaction; an incident's
/// fingerprint comes from when its condition began (stored), so two instances that both thought themselves elected
/// would write the same notification twice — which its unique key refuses.
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
    QualityFigures quality,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    private readonly SemaphoreSlim turn = new(1, 1);
    private DatabaseOutage? outage;
    // The health and service states last written to the timeline; read from it at the start of a term.
    private Dictionary<(string Kind, string Subject), string>? lastSeen;

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
            var elected = await election.IsElectedAsync(cancellationToken);
            if (!elected)
                lastSeen = null; // another instance writes the timeline meanwhile
            // An outage told from memory is written down as soon as the database answers, elected or not.
            if (elected || (outage is not null && !snapshot.Stale))
            {
                try
                {
                    if (await EvaluateStoredAsync(snapshot, now, elected, cancellationToken))
                    {
                        delivery.Wake();
                        await board.RefreshAsync(cancellationToken);
                    }
                    return;
                }
                catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
                {
                    logger.LogWarning("Alert state cannot be stored: the database is unreachable");
                }
                catch (DbUpdateException ex) when (!elected)
                {
                    logger.LogWarning(ex, "The database_unreachable alert told from memory was already written down by the elected instance");
                    outage = null;
                    return;
                }
            }
            // No database, so no election: the instance that held it last says so, from memory, and writes it down later.
            if (snapshot.Stale && (elected || election.HeldLast))
                await EvaluateOutageAsync(now, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    /// <summary>Returns whether anything changed (so delivery and the board are told).</summary>
    private async Task<bool> EvaluateStoredAsync(MetricsSnapshot snapshot, DateTime now, bool elected, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MonitorDbContext>();
        using var writing = await SqliteWriteGate.EnterAsync(db, cancellationToken);
        var states = await db.AlertStates.ToDictionaryAsync(s => (s.Rule, s.Subject), cancellationToken);
        var silences = await db.Silences.Where(s => s.EndsAt > now || !s.EndRecorded).ToListAsync(cancellationToken);
        var firing = states.Values.Where(s => s.Notified).Select(s => s.Fingerprint).ToList();
        var told = (await db.AlertNotifications.AsNoTracking().Where(n => n.State == AlertState.Firing && firing.Contains(n.Fingerprint))
            .Select(n => new { n.Fingerprint, n.Channel }).ToListAsync(cancellationToken)).ToLookup(n => n.Fingerprint, n => n.Channel);
        var round = new Round(db, now, silences.Where(s => s.EndsAt > now).ToList(), [.. channels.Names], options.Value.DashboardUrl, told);

        var writingDown = outage;
        writingDown?.WriteDown(round, states);
        Dictionary<(string, string), string>? seen = null;
        if (elected)
        {
            var conditions = AlertRules.Evaluate(snapshot, health.Value, await ProviderQualityAsync(snapshot, cancellationToken))
                .Where(c => options.Value.Rule(c.Rule).Enabled).ToList();
            var decided = conditions.Select(c => (c.Rule, c.Subject)).ToHashSet();
            // An alert no condition speaks for any more (its rule turned off, its service no longer configured) ends as a false
            // one would. While the database is unreachable only that rule is decided: the rest keep their state.
            if (!snapshot.Stale)
            {
                conditions.AddRange(states.Values.Where(s => !decided.Contains((s.Rule, s.Subject)))
                    .Select(s => new AlertCondition(s.Rule, s.Subject, false, null, s.Threshold, "no longer evaluated (rule disabled or service removed)")));
            }
            foreach (var condition in conditions)
                Step(round, condition, states.GetValueOrDefault((condition.Rule, condition.Subject)));
            foreach (var ended in silences.Where(s => s.EndsAt <= now && !s.EndRecorded))
            {
                ended.EndRecorded = true;
                var what = ended.What;
                round.Event(TimelineEvent.Silence, what, "ended", "silenced", $"{what} silence ended", ended.Comment, ended.EndsAt);
            }
            seen = await RecordChangesAsync(round, snapshot, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        if (writingDown is not null)
            outage = null; // only now: a save that failed leaves it to be written down at the next evaluation
        if (seen is not null)
            lastSeen = seen;
        return round.Changed;
    }

    private void Step(Round round, AlertCondition c, AlertState? state)
    {
        var name = Name(c.Rule, c.Subject);
        if (c.Holds is not { } holds)
        {
            // Not judged this round (too little to judge by): a firing alert keeps firing — calls collapsing must not close
            // it — but a pending one starts over, as For means the condition held at every round in between.
            if (state is { State: AlertState.Pending })
                NoLongerPending(round, state, name, c.Reason);
            return;
        }
        var rule = options.Value.Rule(c.Rule);
        if (holds)
        {
            if (state is null)
            {
                state = new AlertState { Rule = c.Rule, Subject = c.Subject, State = AlertState.Pending, ActiveSince = round.Now };
                round.Db.AlertStates.Add(state);
                round.Event(TimelineEvent.Alert, name, AlertState.Pending, null, $"{name} pending", c.Reason);
            }
            (state.Value, state.Threshold, state.Reason, state.ClearSince) = (c.Value, c.Threshold, c.Reason, null);
            if (state.State == AlertState.Pending && round.Now - state.ActiveSince >= rule.For)
                Fire(round, state);
            else if (state is { State: AlertState.Firing, Notified: false } && !round.IsSilenced(state) && round.Channels.Count > 0)
            {
                // It fired while silenced (or with no channel) and is still firing now that it is not: it is due now.
                state.Notified = true;
                round.Notify(state, AlertState.Firing, resolvedAt: null);
            }
            return;
        }
        if (state is null)
            return;
        if (state.State == AlertState.Pending)
        {
            NoLongerPending(round, state, name, c.Reason);
            return;
        }
        (state.Value, state.Reason) = (c.Value, c.Reason);
        state.ClearSince ??= round.Now;
        if (round.Now - state.ClearSince >= rule.KeepFiringFor)
            Resolve(round, state);
    }

    private static void NoLongerPending(Round round, AlertState state, string name, string reason)
    {
        round.Db.AlertStates.Remove(state);
        round.Event(TimelineEvent.Alert, name, AlertState.Inactive, AlertState.Pending, $"{name} no longer pending", reason);
    }

    private static void Fire(Round round, AlertState state)
    {
        state.State = AlertState.Firing;
        state.FiredAt = round.Now;
        state.Fingerprint = Fingerprint(state.Rule, state.Subject, state.ActiveSince);
        var silenced = round.IsSilenced(state);
        state.Notified = !silenced && round.Channels.Count > 0;
        var name = Name(state.Rule, state.Subject);
        round.Event(TimelineEvent.Alert, name, AlertState.Firing, AlertState.Pending, $"{name} firing{(silenced ? " (silenced: nobody notified)" : "")}", state.Reason);
        if (state.Notified)
            round.Notify(state, AlertState.Firing, resolvedAt: null);
    }

    /// <summary>Whoever was told it fired is told it resolved, silenced now or not, so no receiver keeps an incident open.</summary>
    private static void Resolve(Round round, AlertState state)
    {
        round.Db.AlertStates.Remove(state);
        var name = Name(state.Rule, state.Subject);
        round.Event(TimelineEvent.Alert, name, AlertState.Resolved, AlertState.Firing, $"{name} resolved{(state.Notified ? "" : " (nobody was notified)")}", state.Reason);
        if (state.Notified)
            round.Notify(state, AlertState.Resolved, resolvedAt: round.Now, onlyThoseTold: true);
    }

    /// <summary>Health and external-service changes go into the timeline as they are seen; returns what is now last seen.</summary>
    private async Task<Dictionary<(string, string), string>> RecordChangesAsync(Round round, MetricsSnapshot snapshot, CancellationToken cancellationToken)
    {
        var seen = lastSeen is null ? await LastSeenAsync(round.Db, cancellationToken) : new Dictionary<(string, string), string>(lastSeen);
        void Saw(string kind, string subject, string state, string summary, string reasons)
        {
            var last = seen.GetValueOrDefault((kind, subject));
            if (last == state)
                return;
            seen[(kind, subject)] = state;
            round.Event(kind, subject, state, last, summary.Replace("{last}", last ?? "unknown"), reasons);
        }

        var level = snapshot.Health.Level.Name();
        Saw(TimelineEvent.Health, "system", level, seen.ContainsKey((TimelineEvent.Health, "system")) ? $"health {{last}} → {level}" : $"health {level} (first seen)",
            string.Join('\n', snapshot.Health.Reasons));
        if (snapshot.Stale)
            return seen;
        foreach (var service in snapshot.ExternalServices)
        {
            // A service never seen and not known yet (not configured, not checked) has no change to tell.
            if (!seen.ContainsKey((TimelineEvent.Service, service.Name)) && service.Status == ExternalServices.ServiceStatus.Unknown)
                continue;
            Saw(TimelineEvent.Service, service.Name, service.Status, $"{service.DisplayName} {{last}} → {service.Status}", service.Detail);
        }
        return seen;
    }

    private static async Task<Dictionary<(string, string), string>> LastSeenAsync(MonitorDbContext db, CancellationToken cancellationToken)
    {
        var latest = await db.TimelineEvents.AsNoTracking()
            .Where(e => e.Kind == TimelineEvent.Health || e.Kind == TimelineEvent.Service)
            .GroupBy(e => new { e.Kind, e.Subject })
            .Select(g => g.OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => new { e.Kind, e.Subject, e.State }).First())
            .ToListAsync(cancellationToken);
        return latest.ToDictionary(e => (e.Kind, e.Subject), e => e.State);
    }

    /// <summary>The database_unreachable alert while there is no database: kept in memory, sent straight to the channels.</summary>
    private async Task EvaluateOutageAsync(DateTime now, CancellationToken cancellationToken)
    {
        var rule = options.Value.Rule(AlertRules.DatabaseUnreachable);
        if (!rule.Enabled)
            return;
        // Already firing when the database went away again: the same incident, told already.
        outage ??= board.Current.Alerts.FirstOrDefault(a => a is { Rule: AlertRules.DatabaseUnreachable, State: AlertState.Firing }) is { } known
            ? DatabaseOutage.AlreadyStored(known, channels.Names)
            : new DatabaseOutage(now);
        if (outage.FiredAt is null && now - outage.Since >= rule.For)
        {
            outage.FiredAt = now;
            outage.Silenced = board.Current.Silences.Any(s => s.Covers(AlertRules.DatabaseUnreachable, "", now));
            logger.LogWarning("Alert {Rule} firing (the database has been unreachable since {Since:u})", AlertRules.DatabaseUnreachable, outage.Since);
        }
        if (outage is not { FiredAt: not null, Silenced: false })
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

    /// <summary>Each provider's last hour of measured quality; null when it cannot be read (the rule is then not decided this round).</summary>
    private async Task<IReadOnlyList<ProviderQuality>?> ProviderQualityAsync(MetricsSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (snapshot.Stale)
            return null;
        try
        {
            return (await quality.ByProviderAsync(MetricsWindow.Hour, cancellationToken)).Providers;
        }
        catch (Exception ex) when (DatabaseUnreachableHandler.IsUnreachable(ex))
        {
            return null;
        }
    }

    /// <summary>One incident's: its rule, subject and the moment its condition began.</summary>

    public static string Fingerprint(string rule, string subject, DateTime activeSince) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{rule}\n{subject}\n{activeSince.Ticks}")))[..16];

    /// <summary>What one evaluation changes, gathered before it is saved in one go.</summary>
    private sealed class Round(MonitorDbContext db, DateTime now, List<Silence> silences, List<string> channels, string? dashboardUrl,
        ILookup<string, string> told)
    {
        public MonitorDbContext Db => db;
        public DateTime Now => now;
        public IReadOnlyList<string> Channels => channels;
        public string? DashboardUrl => dashboardUrl;
        public bool Changed { get; private set; }

        public bool IsSilenced(AlertState state) => silences.Any(s => s.Covers(state.Rule, state.Subject, now));

        public void Event(string kind, string subject, string state, string? previous, string summary, string reasons, DateTime? at = null)
        {
            db.TimelineEvents.Add(new TimelineEvent
            {
                At = at ?? now, Kind = kind, Subject = subject, State = state, PreviousState = previous, Summary = Trim(summary, 500), Reasons = Trim(reasons, 4000),
            });
            Changed = true;
        }

        // Firing notifications written in this round (told, read before it, has the stored ones).
        private readonly List<(string Fingerprint, string Channel)> toldNow = [];

        /// <summary>One notification per channel (for a resolution, only the channels told it fired).</summary>
        public void Notify(AlertState state, string to, DateTime? resolvedAt, bool onlyThoseTold = false)
        {
            var message = new AlertMessage(state.Rule, to, AlertRules.Severity(state.Rule), state.Value, state.Threshold, state.FiredAt!.Value, resolvedAt,
                [state.Reason], dashboardUrl, state.Fingerprint, state.Subject.Length == 0 ? null : state.Subject).ToJson();
            var toChannels = onlyThoseTold
                ? told[state.Fingerprint].Concat(toldNow.Where(t => t.Fingerprint == state.Fingerprint).Select(t => t.Channel)).Distinct().ToList()
                : channels;
            foreach (var channel in toChannels)
                Add(new AlertNotification { Fingerprint = state.Fingerprint, Channel = channel, State = to, Rule = state.Rule, Subject = state.Subject, Message = message });
        }

        /// <summary>Stores a notification (due now unless it says otherwise).</summary>
        public void Add(AlertNotification notification)
        {
            if (notification.CreatedAt == default)
                notification.CreatedAt = now;
            if (notification.NextAttemptAt == default)
                notification.NextAttemptAt = now;
            db.AlertNotifications.Add(notification);
            if (notification.State == AlertState.Firing)
                toldNow.Add((notification.Fingerprint, notification.Channel));
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
        /// <summary>True when the alert was stored as firing before the database went away again: nothing to send or write.</summary>
        public bool Stored { get; private init; }
        public Dictionary<string, DateTime> Sent { get; } = new(StringComparer.Ordinal);

        public static DatabaseOutage AlreadyStored(AlertView known, IEnumerable<string> channels)
        {
            var outage = new DatabaseOutage(known.ActiveSince) { FiredAt = known.FiredAt, Stored = true };
            foreach (var channel in channels)
                outage.Sent[channel] = known.FiredAt ?? known.ActiveSince;
            return outage;
        }

        public string Fingerprint => AlertEvaluator.Fingerprint(AlertRules.DatabaseUnreachable, "", since);

        public AlertMessage Message(string? dashboardUrl) => new(AlertRules.DatabaseUnreachable, AlertState.Firing, AlertRules.Severity(AlertRules.DatabaseUnreachable),
            null, null, FiredAt!.Value, null, [$"database unreachable since {since:yyyy-MM-dd HH:mm:ss} UTC"], dashboardUrl, Fingerprint, null);

        /// <summary>
        /// The database is back: the alert is stored as firing (it resolves as any other), with its notifications — the ones
        /// sent as delivered, the others due now — so nothing is sent twice and nothing that was due is dropped.
        /// </summary>
        public void WriteDown(Round round, Dictionary<(string, string), AlertState> states)
        {
            if (Stored || FiredAt is not { } firedAt || states.ContainsKey((AlertRules.DatabaseUnreachable, "")))
                return;
            var state = new AlertState
            {
                Rule = AlertRules.DatabaseUnreachable, State = AlertState.Firing, ActiveSince = since, FiredAt = firedAt,
                Reason = $"database unreachable since {since:yyyy-MM-dd HH:mm:ss} UTC", Fingerprint = Fingerprint, Notified = !Silenced && round.Channels.Count > 0,
            };
            round.Db.AlertStates.Add(state);
            states[(state.Rule, state.Subject)] = state;
            round.Event(TimelineEvent.Alert, state.Rule, AlertState.Firing, AlertState.Pending,
                $"{state.Rule} firing{(Silenced ? " (silenced: nobody notified)" : "")}", state.Reason, firedAt);
            if (Silenced)
                return;
            var message = Message(round.DashboardUrl).ToJson();
            foreach (var channel in round.Channels)
            {
                var sent = Sent.TryGetValue(channel, out var at);
                round.Add(new AlertNotification
                {
                    Fingerprint = Fingerprint, Channel = channel, State = AlertState.Firing, Rule = state.Rule, Message = message,
                    CreatedAt = firedAt, DeliveredAt = sent ? at : null, Attempts = sent ? 1 : 0,
                });
            }
        }
    }
}
