using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>Reads the certificate at start, so a wrong path or password stops the app with the key named.</summary>
internal sealed class KeyProtectionOptionsValidation : IValidateOptions<KeyProtectionOptions>
{
    public ValidateOptionsResult Validate(string? name, KeyProtectionOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
            return ValidateOptionsResult.Success;
        if (!File.Exists(options.CertificatePath))
            return ValidateOptionsResult.Fail($"DataProtection:CertificatePath: there is no file at '{options.CertificatePath}'.");
        try
        {
            using var certificate = options.LoadCertificate()!;
            return certificate.HasPrivateKey
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"DataProtection:CertificatePath: '{options.CertificatePath}' holds no private key (a .pfx with the key is needed).");
        }
        catch (CryptographicException ex)
        {
            return ValidateOptionsResult.Fail($"DataProtection:CertificatePath: '{options.CertificatePath}' could not be read as a PKCS#12 (.pfx) file " +
                $"with DataProtection:CertificatePassword ({ex.Message}).");
        }
    }
}
