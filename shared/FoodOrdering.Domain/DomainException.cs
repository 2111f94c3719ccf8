namespace FoodOrdering.Domain;

/// <summary>
/// A business rule said no: an aggregate refused a command in its current state. The REST layer
/// maps it to 409 Conflict with a problem-details body; message handlers turn it into a failure reply.
/// </summary>
public class DomainException(string message) : Exception(message);
