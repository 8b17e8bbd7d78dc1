using MonitorApp.Data;
using Microsoft.AspNetCore.Identity;
using MonitorApp.Auth;

namespace MonitorApp.Demo;

public static class DemoSetup
{
    public static IServiceCollection AddDemo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations()
            // Printed passwords and made-up sessions on a real deployment would be a hole and a lie.
            .Validate<IHostEnvironment>((demo, environment) => !demo.Enabled || environment.IsDevelopment(),
                "Demo:Enabled is true outside Development: demo accounts with printed passwords and simulated sessions are for a " +
                "developer's machine only. Remove Demo:Enabled (or set it to false), or run with ASPNETCORE_ENVIRONMENT=Development.")
            .ValidateOnStart();
        if (configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
        {
            // Registered after the database initializer, so the tables and roles exist by now.
            services.AddHostedService<DemoAccountSeeder>();
            services.AddHostedService<DemoSessionSimulator>();
        }
        return services;
    }
}

/// <summary>
/// Creates one SYSTEM_MONITOR and one SUPER_ADMIN account with generated passwords, printed once on
/// the console when they are created. Never runs unless Demo:Enabled is set.
/// </summary>
internal sealed class DemoAccountSeeder(IServiceScopeFactory scopes, ILogger<DemoAccountSeeder> logger) : IHostedService
{
    public static readonly (string Email, string Role)[] Accounts =
    [
        ("monitor@demo.local", Roles.SystemMonitor),
        ("admin@demo.local", Roles.SuperAdmin),
    ];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var admin = scope.ServiceProvider.GetRequiredService<UserAdminService>();
        foreach (var (email, role) in Accounts)
        {
            if (await users.FindByEmailAsync(email) is not null)
            {
                logger.LogInformation("Demo account {Email} exists; its password was printed when it was created " +
                    "(set a new one with `dotnet run --project MonitorApp -- users set-password --email {Email}`).", email, email);
                continue;
            }
            // Chosen here and passed in, so the demo signs straight in: a password the app generates for a person is
            // otherwise to be changed at the first sign-in.
            var password = Auth.PasswordGenerator.New();
            await admin.AddAsync(email, role, password);
            // Console rather than the logger: the operator must see it even with logging turned down.
            Console.WriteLine($"Demo account ({role}): {email}  password: {password}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
