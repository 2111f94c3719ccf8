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
