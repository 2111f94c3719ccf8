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
    /// <summary>Events of the Consumer aggregate.</summary>
    public const string ConsumerEvents = "consumer-events";

    /// <summary>The queue a subscribing service reads an event channel from.</summary>
    public static string SubscriberQueue(string subscriberService, string eventChannel) => $"{subscriberService}-service.{eventChannel}";
}
