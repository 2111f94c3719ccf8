namespace FoodOrdering.Domain;

/// <summary>
/// A value in the request is malformed (money with three decimals, say), so nothing was looked at or
/// changed. REST answers 400, gRPC INVALID_ARGUMENT: the service defaults map it in one place per transport.
/// </summary>
public class InvalidInputException(string message) : Exception(message);
