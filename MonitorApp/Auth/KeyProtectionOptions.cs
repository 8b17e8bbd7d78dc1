using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace MonitorApp.Auth;

/// <summary>
/// Section <c>DataProtection</c>: a certificate that encrypts the data-protection keys (which sign sign-in cookies and
/// antiforgery tokens) before they are stored in the database. Without it the keys are stored as plain XML.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with the certificate and its private key.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password (from the environment: <c>DataProtection__CertificatePassword</c>).</summary>
    public string? CertificatePassword { get; set; }

    private X509Certificate2? certificate;

    /// <summary>The certificate, read once; null when none is configured.</summary>
    public X509Certificate2? Certificate() =>
        string.IsNullOrWhiteSpace(CertificatePath) ? null
        : certificate ??= X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
}

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
            return options.Certificate()!.HasPrivateKey
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
