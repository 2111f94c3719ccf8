using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Api;

public sealed record Link(string Href);

/// <summary>
/// The order's <c>_links</c> (HATEOAS, Richardson level 3): a link is there exactly when the action or
/// resource is available, so a client follows links instead of knowing the state machine. cancel and revise
/// only while the order is APPROVED; ticket once the kitchen's ticket is known (from approval on); consumer
/// always. Links are for the client who asked: through the gateway (which says what it took off the path in
/// X-Forwarded-Prefix, the request's PathBase here) every link is a gateway path (<c>/api/v1/...</c>), the
/// consumer's and the ticket's too; called directly, the order's links are this service's paths and the
/// consumer and ticket (other services) use <c>Downstreams:{name}:HttpAddress</c> when it is configured (the
/// launcher sets it), else a plain path.
/// </summary>
public sealed class OrderLinks(IConfiguration configuration)
{
    public IReadOnlyDictionary<string, Link> Of(OrderAggregate order, int version, PathString pathBase)
    {
        var self = OrdersApi.Self(order.Id, version, pathBase);
        var links = new Dictionary<string, Link> { ["self"] = new(self) };
        if (order.CanCancel)
        {
            links["cancel"] = new($"{self}/cancel");
        }
        if (order.CanRevise)
        {
            links["revise"] = new($"{self}/revise");
        }
        links["consumer"] = new($"{BaseAddressOf("consumer", pathBase)}/v1/consumers/{order.ConsumerId}");
        if (order.TicketId is { } ticketId)
        {
            links["ticket"] = new($"{BaseAddressOf("kitchen", pathBase)}/v1/tickets/{ticketId}");
        }
        return links;
    }

    private string BaseAddressOf(string service, PathString pathBase) =>
        pathBase.HasValue ? pathBase.ToString() : configuration[$"Downstreams:{service}:HttpAddress"]?.TrimEnd('/') ?? "";
}
