using Microsoft.Extensions.Options;
using MimeKit;

namespace MonitorApp.Alerts;

/// <summary>Every mistake in <c>Alerts</c> stops the start with the key named.</summary>
internal sealed class AlertsOptionsValidation : IValidateOptions<AlertsOptions>
{
    public static readonly IReadOnlyList<string> Kinds = ["webhook", "slack", "email"];

    public ValidateOptionsResult Validate(string? name, AlertsOptions options)
    {
        var errors = new List<string>();
        if (options.DashboardUrl is { Length: > 0 } dashboard && !IsHttpUrl(dashboard))
            errors.Add($"Alerts:DashboardUrl must be an absolute http or https URL (got '{dashboard}').");

        foreach (var (rule, settings) in options.Rules)
        {
            var key = $"Alerts:Rules:{rule}";
            if (!AlertRules.ByName.ContainsKey(rule))
                errors.Add($"{key} is not a rule: the rules are {string.Join(", ", AlertRules.All.Select(r => r.Name))}.");
            if (settings.For < TimeSpan.Zero || settings.For > TimeSpan.FromDays(1))
                errors.Add($"{key}:For must be between 00:00:00 and 1.00:00:00 (got {settings.For}).");
            if (settings.KeepFiringFor < TimeSpan.Zero || settings.KeepFiringFor > TimeSpan.FromDays(1))
                errors.Add($"{key}:KeepFiringFor must be between 00:00:00 and 1.00:00:00 (got {settings.KeepFiringFor}).");
        }

        foreach (var (channel, c) in options.Channels)
        {
            var key = $"Alerts:Channels:{channel}";
            if (!c.Enabled)
                continue;
            switch (c.Kind)
            {
                case "webhook" or "slack":
                    if (string.IsNullOrWhiteSpace(c.Url) || !IsHttpUrl(c.Url))
                        errors.Add($"{key}:Url must be an absolute http or https URL (its value is not shown: it may hold a secret, which belongs in the environment: Alerts__Channels__{channel}__Url).");
                    break;
                case "email":
                    if (string.IsNullOrWhiteSpace(c.Host))
                        errors.Add($"{key}:Host is required for e-mail.");
                    if (c.Port is < 1 or > 65535)
                        errors.Add($"{key}:Port must be between 1 and 65535 (got {c.Port}).");
                    if (!MailboxAddress.TryParse(c.From ?? "", out _))
                        errors.Add($"{key}:From must be an e-mail address (got '{c.From}').");
                    if (Recipients(c.To).Count == 0 || Recipients(c.To).Any(a => !MailboxAddress.TryParse(a, out _)))
                        errors.Add($"{key}:To must be one or more e-mail addresses separated by commas (got '{c.To}').");
                    if (!string.IsNullOrEmpty(c.Username) && string.IsNullOrEmpty(c.Password))
                        errors.Add($"{key}:Password is required with Username (set it in the environment: Alerts__Channels__{channel}__Password).");
                    break;
                default:
                    errors.Add($"{key}:Kind must be one of {string.Join(", ", Kinds)} (got '{c.Kind}').");
                    break;
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    public static List<string> Recipients(string? to) =>
        (to ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static bool IsHttpUrl(string value) => Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
