using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MonitorApp.Tests.Infrastructure;

/// <summary>Counts the SQL commands EF Core runs against one database while it is alive.</summary>
public sealed class CommandCounter : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
{
    private readonly string connectionString;
    private readonly List<IDisposable> subscriptions = [];
    private readonly IDisposable allListeners;
    private int count;

    private CommandCounter(string connectionString)
    {
        this.connectionString = connectionString;
        allListeners = DiagnosticListener.AllListeners.Subscribe(this);
    }

    public static CommandCounter For(string connectionString) => new(connectionString);

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
