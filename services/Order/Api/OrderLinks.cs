using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

public sealed record Link(string Href);

/// <summary>
/// The order's <c>_links</c> (HATEOAS, Richardson level 3): a link is there exactly when the action or
/// resource is available, so a client follows links instead of knowing the state machine. cancel and revise
/// only while the order is APPROVED; ticket once the kitchen's ticket is known (from approval on); consumer
/// always. The consumer and ticket live in other services: their links use <c>Downstreams:{name}:HttpAddress</c>
/// when it is configured (the launcher sets it), else a path for a gateway in front of every service.
/// </summary>
public sealed class OrderLinks(IConfiguration configuration)
{
    public IReadOnlyDictionary<string, Link> Of(OrderAggregate order, int version)
    {
        var self = OrdersApi.Self(order.Id, version);
        var links = new Dictionary<string, Link> { ["self"] = new(self) };
        if (order.CanCancel)
        {
            links["cancel"] = new($"{self}/cancel");
        }
        if (order.CanRevise)
        {
            links["revise"] = new($"{self}/revise");
        }
        links["consumer"] = new($"{BaseAddressOf("consumer")}/v1/consumers/{order.ConsumerId}");
        if (order.TicketId is { } ticketId)
        {
            links["ticket"] = new($"{BaseAddressOf("kitchen")}/v1/tickets/{ticketId}");
        }
        return links;
    }

    private string BaseAddressOf(string service) => configuration[$"Downstreams:{service}:HttpAddress"]?.TrimEnd('/') ?? "";
}
