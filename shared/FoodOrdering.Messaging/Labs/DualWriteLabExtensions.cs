using FoodOrdering.ServiceDefaults.Faults;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FoodOrdering.Messaging.Labs;

/// <summary>
/// Workshop lab 10's dual-write switch (<see cref="DualWriteLab"/>), gated exactly like fault injection:
/// with <c>FTGO_FAULTS_ENABLED=true</c> (or <c>Faults:Enabled</c>) only; otherwise neither the lab nor its
/// endpoint exists (404).
/// </summary>
public static class DualWriteLabExtensions
{
    public const string AdminPath = "/_admin/labs/dual-write";

    /// <summary>Registers the <see cref="DualWriteLab"/> when fault injection is on; after <c>AddMessaging</c>.</summary>
    public static WebApplicationBuilder AddDualWriteLab(this WebApplicationBuilder builder)
    {
        if (!FaultInjectionExtensions.IsEnabled(builder.Configuration))
        {
            return builder;
        }
        var rabbitMqUri = builder.Configuration.GetConnectionString("RabbitMq") ?? throw new InvalidOperationException("Missing connection string 'RabbitMq'.");
        builder.Services.AddSingleton(sp => new DualWriteLab(rabbitMqUri, sp.GetRequiredService<MessagingOptions>(),
            sp.GetRequiredService<MessagingMetrics>(), sp.GetRequiredService<ILoggerFactory>()));
        return builder;
    }

    /// <summary><c>GET/POST/DELETE /_admin/labs/dual-write</c>, when <see cref="AddDualWriteLab"/> registered the lab.</summary>
    public static WebApplication MapDualWriteLab(this WebApplication app)
    {
        if (app.Services.GetService<DualWriteLab>() is null)
        {
            return app;
        }
        app.Logger.LogWarning("Dual-write lab is available: {Path} switches sign-ups to a naive dual write (workshop lab 10; off until switched, never in production)", AdminPath);

        // Operations, not the service's API: left out of its OpenAPI document.
        var lab = app.MapGroup(AdminPath).ExcludeFromDescription();
        lab.MapGet("", (DualWriteLab dualWrite) => TypedResults.Ok(dualWrite.Current));
        lab.MapPost("", Ok<DualWriteSetting> (DualWriteSetting setting, DualWriteLab dualWrite) =>
        {
            dualWrite.Set(setting.Validated());
            return TypedResults.Ok(dualWrite.Current);
        });
        lab.MapDelete("", NoContent (DualWriteLab dualWrite) =>
        {
            dualWrite.Set(DualWriteSetting.Off);
            return TypedResults.NoContent();
        });
        return app;
    }
}
