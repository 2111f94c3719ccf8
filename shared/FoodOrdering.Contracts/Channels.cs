namespace FoodOrdering.Contracts;

/// <summary>
/// Every message channel of the system (chapter 3, "message channels"), named so a reader recognises
/// the book in the RabbitMQ management UI:
/// <list type="bullet">
/// <item>a command channel per service (point-to-point): <c>{service}-service-commands</c>;</item>
/// <item>a reply channel per saga type: <c>{saga}-saga-replies</c>;</item>
/// <item>an event channel per aggregate (publish-subscribe, a queue per subscribing service):
/// <c>{aggregate}-events</c>, each subscriber's queue being <c>{subscriber}-service.{aggregate}-events</c>.</item>
/// </list>
/// docs/asyncapi.yaml documents each one; a test keeps the two in step.
/// </summary>
public static class Channels
{
    /// <summary>The Consumer service's command channel: ValidateOrderByConsumer (request/response) and NotifyConsumer (one-way).</summary>
    public const string ConsumerServiceCommands = "consumer-service-commands";

    /// <summary>Events of the Consumer aggregate.</summary>
    public const string ConsumerEvents = "consumer-events";

    /// <summary>The Accounting service's command channel: the card authorizations of the order sagas.</summary>
    public const string AccountingServiceCommands = "accounting-service-commands";

    /// <summary>Events of the Account aggregate.</summary>
    public const string AccountEvents = "account-events";

    /// <summary>Events of the Order aggregate.</summary>
    public const string OrderEvents = "order-events";

    /// <summary>
    /// The Kitchen service's command channel: the ticket commands of the order sagas. A sharded channel
    /// (<see cref="KitchenServiceCommandPartitions"/> partitions keyed by order id), so several Kitchen
    /// instances share the work while each order's commands stay in order.
    /// </summary>
    public const string KitchenServiceCommands = "kitchen-service-commands";

    /// <summary>Partitions of <see cref="KitchenServiceCommands"/>: instance i of n consumes the partitions k with k % n == i.</summary>
    public const int KitchenServiceCommandPartitions = 8;

    /// <summary>Events of the Restaurant aggregate (the Order service keeps a replica of menus from them).</summary>
    public const string RestaurantEvents = "restaurant-events";

    /// <summary>Events of the Ticket aggregate.</summary>
    public const string TicketEvents = "ticket-events";

    /// <summary>
    /// Publish/async responses: GetConsumerActivity, published by the Order service to every service that
    /// holds part of a consumer's activity (a queue per subscriber, as for events).
    /// </summary>
    public const string ConsumerActivityQueries = "consumer-activity-queries";

    /// <summary>The Order service's reply channel for the answers to GetConsumerActivity (point-to-point).</summary>
    public const string ConsumerActivityReplies = "consumer-activity-replies";

    /// <summary>The queue a subscribing service reads an event channel from.</summary>
    public static string SubscriberQueue(string subscriberService, string eventChannel) => $"{subscriberService}-service.{eventChannel}";
}
