namespace MonitorApp.Audit;

/// <summary>What the audit trail records; the page's filter and the API's <c>action=</c> accept exactly these.</summary>
public static class AuditActions
{
    public const string SignIn = "sign_in";
    public const string SignInFailed = "sign_in_failed";
    /// <summary>An account refused to every address for a while: too many failed sign-ins from several.</summary>
    public const string LockedOut = "locked_out";
    public const string SignOut = "sign_out";
    public const string MfaEnrolled = "mfa_enrolled";
    public const string MfaReset = "mfa_reset";
    public const string PasswordChanged = "password_changed";
    public const string UserAdded = "user_added";
    public const string RoleChanged = "role_changed";
    public const string UserDisabled = "user_disabled";
    public const string TokenCreated = "token_created";
    public const string TokenRevoked = "token_revoked";
    public const string RateLimited = "rate_limited";
    public const string SilenceCreated = "silence_created";
    /// <summary>A silence ended before its time by a SUPER_ADMIN.</summary>
    public const string SilenceEnded = "silence_ended";

    public static readonly IReadOnlyList<string> All =
        [SignIn, SignInFailed, LockedOut, SignOut, MfaEnrolled, MfaReset, PasswordChanged, UserAdded, RoleChanged, UserDisabled, TokenCreated, TokenRevoked, RateLimited,
            SilenceCreated, SilenceEnded];

    public const string Success = "success";
    public const string Failure = "failure";
    public const string Refused = "refused";
}
