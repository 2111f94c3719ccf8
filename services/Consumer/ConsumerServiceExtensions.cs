using FoodOrdering.Consumer.Persistence;
using FoodOrdering.ServiceDefaults;

namespace FoodOrdering.Consumer;

/// <summary>Everything the Consumer service registers, in one place (Program.cs stays a few lines).</summary>
public static class ConsumerServiceExtensions
{
    public static WebApplicationBuilder AddConsumerService(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ConsumerDbContext>("ConsumerDb");
        return builder;
    }
}
