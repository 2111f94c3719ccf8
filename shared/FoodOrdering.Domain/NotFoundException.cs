namespace FoodOrdering.Domain;

/// <summary>
/// The request names something that does not exist (an unknown consumer id, say). REST answers 404,
/// gRPC NOT_FOUND: the service defaults map it in one place per transport.
/// </summary>
public class NotFoundException(string message) : Exception(message);
