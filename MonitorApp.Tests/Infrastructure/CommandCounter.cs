using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>Counts the SQL commands EF Core runs against one database while it is alive.</summary>
public sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    // Set only in the async flow that measures, so background work (a probe round, a flush, the
    // snapshot timer) that happens to run at the same moment is not counted with it.
    private static readonly AsyncLocal<CommandCounter?> Measuring = new();

    private readonly string connectionString;
    private readonly bool onlyThisFlow;
    private readonly List<IDisposable> subscriptions = [];
    private readonly IDisposable allListeners;
    private int count;

    private CommandCounter(string connectionString, bool onlyThisFlow)
    {
        this.connectionString = connectionString;
        this.onlyThisFlow = onlyThisFlow;
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    /// <summary>Every command on the database, whoever runs it (for work that crosses into the app's request pipeline).</summary>
    public static CommandCounter For(string connectionString) => new(connectionString, onlyThisFlow: false);

    /// <summary>Only the commands run by the calling code and what it awaits, not by anything running beside it.</summary>
    public static CommandCounter ForThisFlow(string connectionString)
    {
        var counter = new CommandCounter(connectionString, onlyThisFlow: true);
        Measuring.Value = counter;
        return counter;
    }

    public int Count => Volatile.Read(ref count);

    public void OnNext(DiagnosticListener listener)
    {
        if (listener.Name == DbLoggerCategory.Name)
        {
            lock (subscriptions)
                subscriptions.Add(listener.Subscribe(this));
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        if (onlyThisFlow && Measuring.Value != this)
            return;
        if (value.Key == RelationalEventId.CommandExecuted.Name && value.Value is CommandExecutedEventData data
            && data.Context?.Database.GetConnectionString() == connectionString)
            Interlocked.Increment(ref count);
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }

    public void Dispose()
    {
        allListeners.Dispose();
        lock (subscriptions)
        {
            foreach (var subscription in subscriptions)
                subscription.Dispose();
        }
    }
}
