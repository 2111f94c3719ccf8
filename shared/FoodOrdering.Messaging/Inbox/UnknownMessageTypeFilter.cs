using MassTransit;
using MassTransit.Middleware.Rescue;
using MassTransit.Transports;

namespace FoodOrdering.Messaging.Inbox;

/// <summary>
/// A message whose type no handler on its queue knows cannot be processed, like a malformed one. MassTransit
/// would park it in <c>{queue}_skipped</c>; we move it to <c>{queue}_error</c> with the reason in the
/// MT-Fault-* headers, so one queue per channel holds everything an operator must look at, and the queue
/// moves on to the next message.
/// </summary>
internal sealed class UnknownMessageTypeFilter : IFilter<ReceiveContext>
{
    public async Task Send(ReceiveContext context, IPipe<ReceiveContext> next)
    {
        var reason = new InvalidOperationException(
            $"No handler on queue '{context.InputAddress.AbsolutePath.Trim('/')}' knows this message's type (see its messageType): it was not processed.");
        await context.GetPayload<IErrorTransport>().Send(new RescueExceptionReceiveContext(context, reason));
        await next.Send(context);
    }

    public void Probe(ProbeContext context) => context.CreateFilterScope("unknownMessageTypeToErrorQueue");
}
