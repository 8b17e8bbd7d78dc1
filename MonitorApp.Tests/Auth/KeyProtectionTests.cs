using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Data;
using MonitorApp.Tests.Infrastructure;

namespace MonitorApp.Tests.Auth;

/// <summary>The keys that sign sign-in cookies, encrypted at rest with a certificate when one is configured.</summary>
public sealed class KeyProtectionTests : IDisposable
{
    private const string Password = "pfx-password-for-tests";
    private readonly DirectoryInfo folder = Directory.CreateTempSubdirectory("monitor-keys-");

    private string NewCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=MonitorApp key protection (test)", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder.FullName, $"keys-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, Password));
        return path;
    }

    private static Dictionary<string, string?> WithCertificate(string path, string password = Password) => new()
    {
        ["DataProtection:CertificatePath"] = path,
        ["DataProtection:CertificatePassword"] = password,
    };

    [SkippableFact]
    public async Task WithACertificate_TheStoredKeysAreEncrypted_AndAnotherInstanceWithItReadsThem_OneWithoutItCannot()
    {
        var certificate = NewCertificate();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var first = new MonitorAppFactory(database, WithCertificate(certificate));
        Assert.True((await first.CreateBrowserClient().GetAsync("/login")).IsSuccessStatusCode); // the form's antiforgery token makes the first key
        var sealedText = first.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("signed in");

        var stored = await first.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().Select(k => k.Xml!).ToListAsync());
        Assert.NotEmpty(stored);
        Assert.All(stored, xml =>
        {
            Assert.Contains("EncryptedXmlDecryptor", xml);
            Assert.DoesNotContain("<value>", xml); // the key material in plain text
        });

        await using var second = new MonitorAppFactory(database, WithCertificate(certificate));
        Assert.Equal("signed in", second.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText));

        await using var without = new MonitorAppFactory(database);
        Assert.ThrowsAny<CryptographicException>(() => without.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText));
    }

    [SkippableTheory]
    [InlineData("wrong password", "could not be read")]
    [InlineData(null, "there is no file")]
    public async Task AnUnreadableCertificate_StopsTheStart_NamingTheSetting(string? password, string expected)
    {
        var path = password is null ? Path.Combine(folder.FullName, "missing.pfx") : NewCertificate();
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var app = new MonitorAppFactory(database, WithCertificate(path, password ?? Password));
        var refused = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains($"DataProtection:CertificatePath: ", refused.ToString());
        Assert.Contains(expected, refused.ToString());
    }

    [SkippableFact]
    public async Task OutsideDevelopment_WithoutACertificate_TheStartWarnsOnce_NamingTheSetting()
    {
        await using (var plain = await AppProcess.StartAsync(AppProcess.ProductionSettings(Path.Combine(folder.FullName))))
        {
            await plain.TerminateAsync(TimeSpan.FromSeconds(30));
            Assert.Single(plain.Output.Split('\n'), line => line.Contains("set DataProtection:CertificatePath"));
        }

        var settings = AppProcess.ProductionSettings(Path.Combine(folder.FullName));
        settings["DataProtection__CertificatePath"] = NewCertificate();
        settings["DataProtection__CertificatePassword"] = Password;
        await using var encrypted = await AppProcess.StartAsync(settings);
        await encrypted.TerminateAsync(TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("DataProtection:CertificatePath", encrypted.Output);
    }

    public void Dispose() => folder.Delete(recursive: true);
}
