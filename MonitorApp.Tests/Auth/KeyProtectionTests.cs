using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MonitorApp.Auth;
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

    [SkippableFact]
    public async Task WithACertificate_ADatabaseDumpShowsNoAuthenticatorKeyOrRecoveryCode_AndTheyStillSignIn()
    {
        var settings = WithCertificate(NewCertificate());
        settings["RateLimits:SignInsPerAddressPerMinute"] = "100";
        await using var app = await IsolatedApp.StartAsync(DatabaseProvider.Postgres, settings);
        var email = await app.App.CreateUserAsync(Roles.SystemMonitor);
        var client = app.App.CreateBrowserClient();
        await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        var (key, recovery) = await MfaTests.EnrolAsync(client, app);

        var dump = await PgDumpAsync(app.Database.ConnectionString);
        Assert.Contains(email, dump); // the dump is of this database
        var plainKey = key.Replace(" ", "", StringComparison.Ordinal);
        Assert.DoesNotContain(plainKey, dump, StringComparison.OrdinalIgnoreCase);
        Assert.All(recovery, code => Assert.DoesNotContain(code, dump, StringComparison.OrdinalIgnoreCase));

        // Still what signs in: the code from the phone, and a recovery code once.
        var phone = app.App.CreateBrowserClient();
        var first = await MonitorAppFactory.LoginAsync(phone, email, MonitorAppFactory.Password);
        var form = await MonitorAppFactory.ParseAsync(await phone.GetAsync(first.Headers.Location));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await phone.SubmitFormAsync(form, "main form", new() { ["Code"] = Totp.Code(key, app.Time.GetUtcNow()) })).StatusCode);
        var lost = app.App.CreateBrowserClient();
        first = await MonitorAppFactory.LoginAsync(lost, email, MonitorAppFactory.Password);
        form = await MonitorAppFactory.ParseAsync(await lost.GetAsync(first.Headers.Location));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await lost.SubmitFormAsync(form, "main form", new() { ["Code"] = recovery[3] })).StatusCode);
    }

    [SkippableFact]
    public async Task SecretsAnEarlierBuildStoredInPlainText_AreConvertedAtStart_AndStillSignIn()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        const string key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        string email;
        await using (var before = new MonitorAppFactory(database))
        {
            email = await before.CreateUserAsync(Roles.SystemMonitor);
            await before.WithDbAsync(async db =>
            {
                var user = await db.Users.SingleAsync(u => u.Email == email);
                user.TwoFactorEnabled = true;
                // As Identity's own store wrote them: the key in base32, the codes joined by ';'.
                db.Set<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().AddRange(
                    new() { UserId = user.Id, LoginProvider = "[AspNetUserStore]", Name = "AuthenticatorKey", Value = key },
                    new() { UserId = user.Id, LoginProvider = "[AspNetUserStore]", Name = "RecoveryCodes", Value = "AAAAA-BBBBB;CCCCC-DDDDD" });
                await db.SaveChangesAsync();
            });
        }

        await using var after = new MonitorAppFactory(database, new Dictionary<string, string?> { ["RateLimits:SignInsPerAddressPerMinute"] = "100" });
        await after.StartedAsync();
        var stored = await after.WithDbAsync(db => db.Set<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().AsNoTracking()
            .Where(t => t.LoginProvider == "[AspNetUserStore]").ToDictionaryAsync(t => t.Name, t => t.Value!));
        Assert.StartsWith("dp1:", stored["AuthenticatorKey"]);
        Assert.DoesNotContain(key, stored["AuthenticatorKey"]);
        Assert.DoesNotContain("AAAAA-BBBBB", stored["RecoveryCodes"]);
        Assert.Equal(2, stored["RecoveryCodes"].Split(';').Length);

        var client = after.CreateBrowserClient();
        var first = await MonitorAppFactory.LoginAsync(client, email, MonitorAppFactory.Password);
        var form = await MonitorAppFactory.ParseAsync(await client.GetAsync(first.Headers.Location));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await client.SubmitFormAsync(form, "main form", new() { ["Code"] = "CCCCC-DDDDD" })).StatusCode);
        var phone = after.CreateBrowserClient();
        first = await MonitorAppFactory.LoginAsync(phone, email, MonitorAppFactory.Password);
        form = await MonitorAppFactory.ParseAsync(await phone.GetAsync(first.Headers.Location));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await phone.SubmitFormAsync(form, "main form", new() { ["Code"] = Totp.Code(key, DateTimeOffset.UtcNow) })).StatusCode);
    }

    /// <summary>What <c>pg_dump</c> of the database writes, as an operator's backup would hold it.</summary>
    private static async Task<string> PgDumpAsync(string connectionString)
    {
        var c = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        // Beside the server's initdb (which may be a link on PATH to the real folder).
        var initdb = new FileInfo(Path.Combine(PostgresCluster.FindBinaries()!, "initdb"));
        var pgDump = Path.Combine((initdb.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? initdb).DirectoryName!, "pg_dump");
        var start = new System.Diagnostics.ProcessStartInfo(pgDump) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", c.Host!, "-p", c.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", c.Username!, "-d", c.Database! })
            start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await errors);
        return await output;
    }

    public void Dispose() => folder.Delete(recursive: true);
}
