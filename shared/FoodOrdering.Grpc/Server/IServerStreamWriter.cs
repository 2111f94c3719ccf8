namespace FoodOrdering.Grpc.Server;

/// <summary>Where a streaming handler writes its responses; each write is flushed to the client at once.</summary>
public interface IServerStreamWriter<in T>
{
    Task WriteAsync(T message);
}
