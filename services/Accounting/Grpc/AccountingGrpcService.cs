using FoodOrdering.Accounting.Persistence;
using FoodOrdering.Domain;
using FoodOrdering.Grpc.Contracts.Accounting.V1;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using AuthorizationState = FoodOrdering.Accounting.Domain.AuthorizationState;
using ProtoAuthorizationState = FoodOrdering.Grpc.Contracts.Accounting.V1.AuthorizationState;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Accounting.Grpc;

/// <summary>
/// The Accounting service's gRPC API (ftgo.accounting.v1.AccountingService, generated from accounting.proto).
/// Unknown accounts and orders throw <see cref="NotFoundException"/>; the service defaults'
/// GrpcExceptionInterceptor turns that into NOT_FOUND.
/// </summary>
public sealed class AccountingGrpcService(AccountingDbContext db) : AccountingService.AccountingServiceBase
{
    public override async Task<GetAccountResponse> GetAccount(GetAccountRequest request, ServerCallContext context)
    {
        var account = await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.ConsumerId == request.ConsumerId, context.CancellationToken)
            ?? throw new NotFoundException($"There is no account for consumer {request.ConsumerId}.");
        return new GetAccountResponse
        {
            ConsumerId = account.ConsumerId,
            Disabled = account.Disabled,
            SingleAuthorizationLimit = new ProtoMoney { Amount = account.SingleAuthorizationLimit.ToString() },
        };
    }

    public override async Task<GetAuthorizationResponse> GetAuthorization(GetAuthorizationRequest request, ServerCallContext context)
    {
        var authorization = await db.Authorizations.AsNoTracking().SingleOrDefaultAsync(a => a.OrderId == request.OrderId, context.CancellationToken)
            ?? throw new NotFoundException($"No authorization was asked for order {request.OrderId}.");
        return new GetAuthorizationResponse
        {
            AuthorizationId = authorization.Id,
            OrderId = authorization.OrderId,
            ConsumerId = authorization.ConsumerId,
            Amount = new ProtoMoney { Amount = authorization.Amount.ToString() },
            State = authorization.State switch
            {
                AuthorizationState.Authorized => ProtoAuthorizationState.Authorized,
                AuthorizationState.Declined => ProtoAuthorizationState.Declined,
                _ => ProtoAuthorizationState.Reversed,
            },
            DeclineReason = authorization.DeclineReason ?? "",
        };
    }
}
