using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.ServiceDefaults.Faults;

/// <summary>
/// Fault injection for teaching partial failure: with <c>Faults:Enabled=true</c> (or the environment
/// variable <c>FTGO_FAULTS_ENABLED=true</c>, which <c>./ftgo demo</c> and <c>./ftgo up --faults</c> set),
/// every service answers <c>GET/POST/DELETE /_admin/faults</c> and applies the <see cref="FaultSetting"/>
/// to its REST and gRPC calls. Off by default: then the endpoint does not exist (404) and neither the
/// middleware nor the interceptor is installed. Wired by AddServiceDefaults/MapDefaultEndpoints and
/// AddGrpcServer: no service has code of its own for it.
/// </summary>
public static class FaultInjectionExtensions
{
    public const string SectionName = "Faults";
    public const string EnvironmentVariable = "FTGO_FAULTS_ENABLED";
    public const string AdminPath = "/_admin/faults";

    /// <summary>Whether this service injects faults: <c>Faults:Enabled</c> or <c>FTGO_FAULTS_ENABLED</c> is true.</summary>
    public static bool IsEnabled(IConfiguration configuration) =>
        configuration.GetValue<bool>($"{SectionName}:Enabled") || configuration.GetValue<bool>(EnvironmentVariable);

    /// <summary>Registers the <see cref="FaultInjector"/> when enabled; returns whether it is.</summary>
    internal static bool AddFaultInjection(this WebApplicationBuilder builder)
    {
        if (!IsEnabled(builder.Configuration))
        {
            return false;
        }
        builder.Services.TryAddSingleton<FaultInjector>();
        return true;
    }

    /// <summary>The REST middleware and the admin endpoints, when <see cref="AddFaultInjection"/> registered the injector.</summary>
    internal static void UseFaultInjection(this WebApplication app)
    {
        if (app.Services.GetService<FaultInjector>() is null)
        {
            return;
        }
        app.Logger.LogWarning("Fault injection is enabled: {Path} switches added latency and errors at run time (a teaching aid; never in production)", AdminPath);
        app.UseMiddleware<FaultInjectionMiddleware>();

        // Operations, not the service's API: left out of its OpenAPI document.
        var admin = app.MapGroup(AdminPath).ExcludeFromDescription();
        admin.MapGet("", (FaultInjector faults) => TypedResults.Ok(faults.Current));
        admin.MapPost("", Ok<FaultSetting> (FaultSetting setting, FaultInjector faults) =>
        {
            faults.Set(setting.Validated());
            return TypedResults.Ok(faults.Current);
        });
        admin.MapDelete("", NoContent (FaultInjector faults) =>
        {
            faults.Clear();
            return TypedResults.NoContent();
        });
    }
}
