namespace MonitorApp.Auth;

/// <summary>
/// A refusal the person asking can act on (unknown role, e-mail or token name taken, weak password…):
/// the one way user and token administration say no, shown as a form error on the pages and as one
/// line on stderr by the command line.
/// </summary>
public sealed class AdminRefusal(string message, string? field = null) : Exception(message)
{
    /// <summary>The input the refusal is about (<c>role</c>, <c>name</c>, <c>email</c>), so a form can show it there.</summary>
    public string? Field { get; } = field;
}
