namespace MonitorApp.Kernel;

/// <summary>
/// The longest value each kind of form field takes. Anything longer is refused by validation, naming the field, before it
/// reaches a rate limiter, a lookup or a log (issue 28: megabyte e-mails grew the sign-in limiters without bound).
/// </summary>
public static class FieldLimits
{
    /// <summary>An e-mail address (RFC 5321 allows 254 in a path; 256 leaves room, nothing more).</summary>
    public const int Email = 256;

    /// <summary>A password or pass phrase: long enough for any manager's, short enough that hashing it costs nothing.</summary>
    public const int Password = 1024;

    /// <summary>An authenticator or recovery code as typed (with spaces or dashes).</summary>
    public const int Code = 64;

    /// <summary>A form field's name (the form reader refuses longer ones with 400).</summary>
    public const int FormKey = 1024;

    /// <summary>Any one form value the app reads (the form reader refuses longer ones with 400 before binding).</summary>
    public const int FormValue = 16 * 1024;
}
