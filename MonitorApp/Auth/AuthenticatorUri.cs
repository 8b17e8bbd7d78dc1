using QRCoder;

namespace MonitorApp.Auth;

/// <summary>The <c>otpauth://</c> URI authenticator apps read (Key Uri Format), and its QR code.</summary>
public static class AuthenticatorUri
{
    public const string Issuer = "MonitorApp";

    public static string For(string email, string key) =>
        $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(email)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";

    /// <summary>A PNG as a <c>data:</c> URI: drawn here, no script, allowed by the CSP's <c>img-src 'self' data:</c>.</summary>
    public static string QrCodeDataUri(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(data).GetGraphic(5);
        return "data:image/png;base64," + Convert.ToBase64String(png);
    }
}
