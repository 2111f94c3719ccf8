namespace FoodOrdering.Grpc.Protocol;

/// <summary>How a call ended: a code and a human-readable detail (<c>grpc-status</c>, <c>grpc-message</c>).</summary>
public readonly record struct Status(StatusCode Code, string Detail = "")
{
    public static readonly Status Ok = new(StatusCode.OK);

    public override string ToString() => $"{Code}: {Detail}";
}
