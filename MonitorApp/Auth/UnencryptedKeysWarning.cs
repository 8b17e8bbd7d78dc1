using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>Outside Development, says once at start that the keys are stored unencrypted, naming the setting that fixes it.</summary>
internal sealed class UnencryptedKeysWarning(IOptions<KeyProtectionOptions> options, IHostEnvironment environment, ILogger<UnencryptedKeysWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() && string.IsNullOrWhiteSpace(options.Value.CertificatePath))
            logger.LogWarning("Data-protection keys (they sign sign-in cookies) are stored unencrypted in the database: " +
                "set DataProtection:CertificatePath (a .pfx) and DataProtection:CertificatePassword to encrypt them.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
