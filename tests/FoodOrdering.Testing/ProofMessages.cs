using FoodOrdering.Contracts;

namespace FoodOrdering.Testing;

/// <summary>
/// The message of the messaging proofs and the benchmark: the n-th message of a key. A negative
/// sequence is poison (the proofs' handler always fails on it). It lives with the tests, not in
/// FoodOrdering.Contracts, because it is no part of the system; the relay benchmark sends it too, and a
/// relay process (tools/RelayBenchmark `relay`) must know it to publish it.
/// </summary>
[Message(MessageKind.Event, "proof-events")]
public sealed record ProofEvent(string Key, int Sequence);

/// <summary>The same, as a command on a sharded channel (the competing-consumers proof).</summary>
[Message(MessageKind.Command, "proof-sharded-commands", Partitions = 4)]
public sealed record ProofCommand(string Key, int Sequence);

/// <summary>A command on an ordinary (point-to-point) command channel: asynchronous request/response and "sent before its receiver ran".</summary>
[Message(MessageKind.Command, "proof-service-commands")]
public sealed record ProofRequest(string Key, int Sequence);

/// <summary>The reply to a <see cref="ProofRequest"/>, on the reply channel the request named.</summary>
[Message(MessageKind.Reply)]
public sealed record ProofReply(string Key, int Sequence);

/// <summary>An event on a channel nobody subscribes to.</summary>
[Message(MessageKind.Event, "proof-orphan-events")]
public sealed record ProofOrphanEvent(string Key);

// The proof saga's participants (tests/FoodOrdering.Messaging.Tests/SagaProofs.cs): credit and shipping.

/// <summary>Reserve credit for an order; refused above 100.</summary>
[Message(MessageKind.Command, "proof-credit-commands")]
public sealed record ReserveProofCredit(string OrderKey, int Amount);

[Message(MessageKind.Reply)]
public sealed record ProofCreditReserved(string OrderKey);

[Message(MessageKind.Reply)]
public sealed record ProofCreditRefused(string OrderKey, string Reason);

/// <summary>Undo a reservation (the saga's compensation).</summary>
[Message(MessageKind.Command, "proof-credit-commands")]
public sealed record ReleaseProofCredit(string OrderKey);

[Message(MessageKind.Reply)]
public sealed record ProofCreditReleased(string OrderKey);

/// <summary>Ship an order; refused for the amount 13.</summary>
[Message(MessageKind.Command, "proof-shipping-commands")]
public sealed record ShipProofOrder(string OrderKey, int Amount);

[Message(MessageKind.Reply)]
public sealed record ProofOrderShipped(string OrderKey, string TrackingNumber);

[Message(MessageKind.Reply)]
public sealed record ProofShippingRefused(string OrderKey, string Reason);

/// <summary>The proof saga's last step: a one-way notification (sent, never answered).</summary>
[Message(MessageKind.Command, "proof-notification-commands")]
public sealed record ProofOrderNotification(string OrderKey, string Outcome);
