using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public static class KeyProtectionSetup
{
    /// <summary>
    /// The data-protection keys live in the database, so sign-ins survive a restart and several instances accept each
    /// other's cookies; with <c>DataProtection:CertificatePath</c> they are encrypted there with that certificate.
    /// </summary>
    public static IServiceCollection AddKeyProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var keys = services.AddDataProtection().SetApplicationName("MonitorApp").PersistKeysToDbContext<MonitorDbContext>();
        services.AddOptions<KeyProtectionOptions>().BindConfiguration(KeyProtectionOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyProtectionOptions>, KeyProtectionOptionsValidation>();
        // The certificate is needed now, to register it for writing and reading keys; a bad one is left to the
        // validation above, which stops the start naming the setting.
        if (TryCertificate(configuration.GetSection(KeyProtectionOptions.Section).Get<KeyProtectionOptions>()) is { } certificate)
            keys.ProtectKeysWithCertificate(certificate);
        services.AddHostedService<UnencryptedKeysWarning>();
        return services;
    }

    private static System.Security.Cryptography.X509Certificates.X509Certificate2? TryCertificate(KeyProtectionOptions? options)
    {
        try
        {
            return options?.LoadCertificate() is { HasPrivateKey: true } certificate ? certificate : null;
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException)
        {
            return null;
        }
    }
}
