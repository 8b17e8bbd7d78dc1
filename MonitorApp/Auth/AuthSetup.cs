using Htmx;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using MonitorApp.Data;

namespace MonitorApp.Auth;

public static class AuthSetup
{
    private const string SelectorScheme = "CookieOrToken";

    public static IServiceCollection AddMonitorAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddIdentity<AppUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                // Length, not composition (NIST SP 800-63B, ASVS 5.0 V6.2); PasswordRules adds the e-mail and the common list.
                options.Password.RequiredLength = PasswordRules.MinimumLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                // Wrong passwords are limited per address and account by SignInLimits, so one address cannot
                // lock an administrator out; Identity's own lockout counts wrong authenticator codes only.
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 10;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddEntityFrameworkStores<MonitorDbContext>()
            // The authenticator key encrypted and recovery codes hashed at rest.
            .AddUserStore<ProtectedSecretsUserStore>()
            .AddSignInManager<MonitorSignInManager>()
            .AddClaimsPrincipalFactory<MonitorClaimsFactory>()
            .AddPasswordValidator<PasswordRules>()
            .AddDefaultTokenProviders()
            // After the defaults, so it takes the authenticator's name: codes count once, ±1 step.
            .AddTokenProvider<OneUseAuthenticatorCodes>(TokenOptions.DefaultAuthenticatorProvider);


        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.Name = Web.HostPrefixedCookies.SignIn;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = "/login";
            options.LogoutPath = "/logout";
            options.AccessDeniedPath = "/access-denied";
            // Auth:AbsoluteLifetimeHours sets the cookie's lifetime too (below); SignInRevalidation enforces it and the idle timeout.
            options.SlidingExpiration = false;
            // Replaces Identity's periodic SecurityStampValidator: disabling a user or changing a role takes
            // effect at the next request, for the price of one primary-key lookup.
            options.Events.OnValidatePrincipal = SignInRevalidation.ValidatePrincipalAsync;
            options.Events.OnRedirectToLogin = context => RedirectOrRefuse(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrRefuse(context, StatusCodes.Status403Forbidden);
        });

        services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, o => o.Cookie.Name = Web.HostPrefixedCookies.TwoFactor);
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<Microsoft.Extensions.Options.IOptions<AuthOptions>>((cookie, auth) =>
                cookie.ExpireTimeSpan = auth.Value.WallScreenAccounts.Count > 0 && auth.Value.WallScreenLifetime > auth.Value.AbsoluteLifetime
                    ? auth.Value.WallScreenLifetime
                    : auth.Value.AbsoluteLifetime);
        // Registered after Identity's cookie set-up, so it runs after the framework has made the ticket format.
        services.AddSingleton<Microsoft.Extensions.Options.IPostConfigureOptions<CookieAuthenticationOptions>, RememberRecentCookies>();

        services.AddScoped<UserAdminService>();
        services.AddScoped<ApiTokenService>();
        services.AddSingleton<RecentlyVerifiedTokens>();
        services.AddSingleton<RecentSignInChecks>();
        services.AddSingleton<PendingSignOuts>();
        services.AddSingleton<KnownDevices>();
        services.AddHostedService(sp => sp.GetRequiredService<PendingSignOuts>());
        services.AddSingleton<IStartupSeed, RoleSeeder>();
        services.AddSingleton<IStartupSeed, SecretsAtRestConversion>();
        services.AddSingleton<IRetentionTask, SignInSessionRetention>();
        services.AddSingleton<IClusterListener>(sp => sp.GetRequiredService<RecentlyVerifiedTokens>());
        services.AddSingleton<IClusterListener>(sp => sp.GetRequiredService<RecentSignInChecks>());
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(SelectorScheme, "Cookie or API token", options =>
                options.ForwardDefaultSelector = context => ApiTokenAuthenticationHandler.ReadBearer(context.Request) is not null
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : IdentityConstants.ApplicationScheme);
        services.Configure<AuthenticationOptions>(options =>
        {
            options.DefaultAuthenticateScheme = SelectorScheme;
            options.DefaultChallengeScheme = SelectorScheme;
            options.DefaultForbidScheme = SelectorScheme;
        });

        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Monitor, p => p.RequireRole(Roles.SystemMonitor, Roles.SuperAdmin))
            .AddPolicy(Policies.Ingest, p => p.RequireRole(Roles.Ingest, Roles.SuperAdmin))
            // No token holds SUPER_ADMIN (Roles.TokenRoles), so a token is refused here with 403.
            .AddPolicy(Policies.Silence, p => p.RequireRole(Roles.Silencers))
            // Administration is for a signed-in person: a token, whatever its role, is never enough.
            .AddPolicy(Policies.Person, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser())
            .AddPolicy(Policies.SuperAdmin, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireRole(Roles.SuperAdmin))
            // Everything needs a signed-in caller unless it says otherwise (login page, health, assets).
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());

        return services;
    }

    /// <summary>
    /// JSON callers get a ProblemDetails status, never a login page. An HTMX request whose login expired
    /// gets 401 with HX-Redirect, so htmx sends the whole browser to the login page instead of pasting it
    /// into a card. Everyone else is redirected.
    /// </summary>
    private static Task RedirectOrRefuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        if (MachineEndpoint.Is(context.HttpContext))
        {
            return status == StatusCodes.Status401Unauthorized
                ? ApiProblems.WriteAsync(context.HttpContext, status, "Authentication required", "Sign in, or send 'Authorization: Bearer <token>'.")
                : ApiProblems.WriteAsync(context.HttpContext, status, "Forbidden", "Your role is not allowed to use this endpoint.");
        }
        if (request.IsHtmx(out var htmx))
        {
            context.Response.StatusCode = status;
            // An empty body: nothing for htmx to paste into a card.
            if (context.HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            if (status == StatusCodes.Status401Unauthorized)
                context.Response.Htmx(h => h.Redirect(LoginUrlFor(htmx?.CurrentUrl)));
            return Task.CompletedTask;
        }
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    // After signing in again the operator should land on the page they were watching, not on the
    // partial handler the poll was calling.
    private static string LoginUrlFor(string? current)
    {
        var returnUrl = Uri.TryCreate(current, UriKind.Absolute, out var uri) ? uri.PathAndQuery : "/admin/dashboard";
        return $"/login?ReturnUrl={Uri.EscapeDataString(returnUrl)}";
    }
}
