using FoodOrdering.Consumer.Persistence;
using FoodOrdering.Testing;

namespace FoodOrdering.Consumer.Tests;

/// <summary>The Consumer service in-process, on a fresh database of the shared test PostgreSQL.</summary>
public sealed class ConsumerServiceFactory() : ServiceFactory<ConsumerDbContext>("ConsumerDb");
