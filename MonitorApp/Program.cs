using MonitorApp.Cli;
using MonitorApp.Hosting;

// `healthcheck` asks a running instance (the container's health check); it builds nothing.
if (HealthCheckCommand.IsInvocation(args))
    return await HealthCheckCommand.RunAsync(args, Console.Error);
// With `users`, `tokens` or `db` the app runs that one command on the same services, then exits.
if (MonitorCli.IsCliInvocation(args))
    return await MonitorCli.RunAsync(args, Composition.AddFeatures);

var builder = WebApplication.CreateBuilder(args);
// Run from the build output (dotnet run, any environment), the CSS and JS live in the project and in obj/;
// this reads the build's map of where each file is. Only Development did so by itself: elsewhere every asset
// was answered with an empty body. The published app has no such map and serves its own wwwroot (a no-op there).
builder.WebHost.UseStaticWebAssets();
Composition.AddFeatures(builder); // every feature's services (Hosting/Composition.cs)
var app = builder.Build();
Composition.UsePipeline(app);
Composition.MapEndpoints(app);
await app.RunAsync();
return 0;

public partial class Program;
