using System.Text.RegularExpressions;

namespace MonitorApp.Kernel;

/// <summary>
/// URLs as errors, cards, the API and the logs may show them: <c>scheme://host:port</c> only. A webhook URL's
/// <c>user:password</c>, a Slack hook's secret path or a redirect target's query string are never repeated (issue 28:
/// a webhook's credentials were shown by <c>GET /api/admin/alerts</c>, on the alerts card and in the log).
/// </summary>
public static partial class UrlRedaction
{
    /// <summary><c>scheme://host:port</c> of an absolute URL; a relative one is shown as its kind only.</summary>
    public static string Origin(Uri url) =>
        url.IsAbsoluteUri ? $"{url.Scheme}://{url.IdnHost}:{url.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "a relative URL";

    /// <summary><see cref="Origin(Uri)"/> of a URL given as text; text that is no absolute URL is not repeated.</summary>
    public static string Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? Origin(uri) : "an unreadable URL";

    /// <summary>Any text (an exception's message) with every absolute URL in it cut to its origin.</summary>
    public static string InText(string text) =>
        AbsoluteUrl().Replace(text, m => Uri.TryCreate(m.Value, UriKind.Absolute, out var uri) && uri.Host.Length > 0 ? Origin(uri) : "[url]");

    [GeneratedRegex(@"\b[a-zA-Z][a-zA-Z0-9+.\-]*://[^\s""'<>()]+")]
    private static partial Regex AbsoluteUrl();
}
