namespace FoodOrdering.Contracts.Activity;

// Publish/async responses (chapter 3, scatter-gather): GET /v1/consumers/{consumerId}/activity on the Order
// service publishes ONE GetConsumerActivity on the consumer-activity-queries channel; the Order, Kitchen and
// Accounting services each answer with their part, on the reply channel the query names
// (consumer-activity-replies) with the query's correlation id. The requester gathers the replies within
// its time limit and says which parts did not answer. Money is a decimal string ("12.34").

/// <summary>
/// Asks every subscriber for its part of a consumer's activity. Kitchen does not know consumers (a ticket
/// belongs to an order), so the query carries the consumer's order ids, read by the Order service.
/// </summary>
[Message(MessageKind.Query, Channels.ConsumerActivityQueries)]
public sealed record GetConsumerActivity(long ConsumerId, IReadOnlyList<long> OrderIds);

/// <summary>The Order service's part: the consumer's orders.</summary>
[Message(MessageKind.Reply)]
public sealed record ConsumerOrders(long ConsumerId, IReadOnlyList<ConsumerOrder> Orders);

public sealed record ConsumerOrder(long OrderId, long RestaurantId, string State, string OrderTotal);

/// <summary>The Kitchen service's part: the tickets of the consumer's orders.</summary>
[Message(MessageKind.Reply)]
public sealed record ConsumerTickets(long ConsumerId, IReadOnlyList<ConsumerTicket> Tickets);

public sealed record ConsumerTicket(long TicketId, long OrderId, long RestaurantId, string State);

/// <summary>The Accounting service's part: the consumer's card authorizations.</summary>
[Message(MessageKind.Reply)]
public sealed record ConsumerAuthorizations(long ConsumerId, IReadOnlyList<ConsumerAuthorization> Authorizations);

public sealed record ConsumerAuthorization(long AuthorizationId, long OrderId, string Amount, string State);
