using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using MonitorApp.Auth;

namespace MonitorApp.Pages.Admin.Tokens;

/// <summary>SUPER_ADMIN: create API tokens (the secret is shown once) and revoke them.</summary>
[Authorize(Policy = Policies.SuperAdmin)]
public sealed class IndexModel(ApiTokenService tokens, TimeProvider time) : PageModel
{
    public List<ApiTokenRow> Tokens { get; private set; } = [];
    public string? Message { get; private set; }
    public string? Secret { get; private set; }

    /// <summary>The create form; bound only by its own handler, so a revoke never validates it.</summary>
    public CreateTokenInput Create { get; set; } = new();

    public sealed class CreateTokenInput
    {
        [Required, StringLength(100), RegularExpression("^[A-Za-z0-9._-]+$", ErrorMessage = "Use letters, digits, '.', '_' or '-' (e.g. platform-api).")]
        public string Name { get; set; } = "";

        [Required]
        public string Role { get; set; } = Roles.Ingest;

        /// <summary>One of <see cref="Lifetimes"/>.</summary>
        [Required]
        public string ExpiresIn { get; set; } = ApiToken.DefaultLifetimeText;
    }

    /// <summary>The lifetimes the form offers (the command line takes any).</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Lifetimes =
        [("30d", "30 days"), (ApiToken.DefaultLifetimeText, "90 days"), ("365d", "1 year"), ("never", "never")];

    public DateTime Now => time.GetUtcNow().UtcDateTime;

    public async Task OnGetAsync(CancellationToken ct) => Tokens = await tokens.ListAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync([Bind(Prefix = nameof(Create))] CreateTokenInput create, CancellationToken ct)
    {
        Create = create;
        if (ModelState.IsValid)
        {
            try
            {
                if (!Lifetimes.Any(l => l.Value == Create.ExpiresIn) || !ApiToken.TryParseLifetime(Create.ExpiresIn, out var lifetime, out _))
                    throw new AdminRefusal($"choose how long the token works: {string.Join(", ", Lifetimes.Select(l => l.Label))}", "expires_in");
                Secret = await tokens.CreateAsync(Create.Name, Create.Role, lifetime, ct);
                Message = $"Created token '{Create.Name}' ({Create.Role}). Copy it now; it is not shown again:";
            }
            catch (AdminRefusal ex)
            {
                ModelState.AddModelError(ex.Field switch { "role" => "Create.Role", "expires_in" => "Create.ExpiresIn", _ => "Create.Name" }, ex.Message);
            }
        }
        return await PageWithTokensAsync(ct);
    }

    public async Task<IActionResult> OnPostRevokeAsync(string name, CancellationToken ct)
    {
        try
        {
            await tokens.RevokeAsync(name, ct);
            Message = $"Token '{name}' revoked; it stops working at once.";
        }
        catch (AdminRefusal ex)
        {
            ModelState.AddModelError(string.Empty, ex.Message);
        }
        return await PageWithTokensAsync(ct);
    }

    private async Task<IActionResult> PageWithTokensAsync(CancellationToken ct)
    {
        // A page that may carry a token secret must not be cached anywhere.
        Response.Headers.CacheControl = "no-store";
        Tokens = await tokens.ListAsync(ct);
        return Page();
    }
}
