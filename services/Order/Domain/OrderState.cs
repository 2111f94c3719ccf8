using System.Text.Json;

namespace FoodOrdering.Order.Domain;

/// <summary>
/// The states of the Order state machine (the book's chapter 4, "the Order aggregate"):
/// <code>
/// APPROVAL_PENDING -> APPROVED | REJECTED                    (CreateOrderSaga)
/// APPROVED -> CANCEL_PENDING -> CANCELLED | APPROVED         (CancelOrderSaga: confirmed, or undone)
/// APPROVED -> REVISION_PENDING -> APPROVED                   (ReviseOrderSaga: revised, or unchanged)
/// </code>
/// The *_PENDING states are the saga's semantic locks: while one holds, no other saga may change the order.
/// </summary>
public enum OrderState
{
    ApprovalPending,
    Approved,
    Rejected,
    CancelPending,
    Cancelled,
    RevisionPending,
}

public static class OrderStates
{
    /// <summary>The name on the wire and in the database, e.g. "APPROVAL_PENDING".</summary>
    public static string Name(this OrderState state) => JsonNamingPolicy.SnakeCaseUpper.ConvertName(state.ToString());

    public static OrderState Parse(string name) => Enum.GetValues<OrderState>().Single(state => state.Name() == name);

    /// <summary>A saga holds the order (a semantic lock): its state will change again without anyone asking.</summary>
    public static bool IsPending(this OrderState state) => state is OrderState.ApprovalPending or OrderState.CancelPending or OrderState.RevisionPending;
}
