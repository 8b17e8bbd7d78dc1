using System.Security.Cryptography.X509Certificates;

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

    /// <summary>Reads the configured certificate (throws when it cannot); null when none is configured.</summary>
    public X509Certificate2? LoadCertificate() =>
        string.IsNullOrWhiteSpace(CertificatePath) ? null
        : X509CertificateLoader.LoadPkcs12FromFile(CertificatePath, CertificatePassword, X509KeyStorageFlags.EphemeralKeySet);
}
