using System.Net;
using FoodOrdering.ServiceDefaults.Resilience;
using Grpc.Core;
using Polly;
using Polly.Timeout;

namespace FoodOrdering.ServiceDefaults.Tests.Resilience;

/// <summary>Which outcomes count against a downstream's circuit breaker: its failures, never its domain answers.</summary>
public sealed class DownstreamFailuresTests
{
    [Theory]
    [InlineData(StatusCode.Unavailable, true)]
    [InlineData(StatusCode.DeadlineExceeded, true)]
    [InlineData(StatusCode.Internal, true)]
    [InlineData(StatusCode.ResourceExhausted, true)]
    [InlineData(StatusCode.Unknown, true)]
    [InlineData(StatusCode.NotFound, false)]
    [InlineData(StatusCode.FailedPrecondition, false)]
    [InlineData(StatusCode.InvalidArgument, false)]
    [InlineData(StatusCode.AlreadyExists, false)]
    [InlineData(StatusCode.PermissionDenied, false)]
    [InlineData(StatusCode.Cancelled, false)]
    public void A_gRPC_status_counts_only_when_it_says_the_downstream_is_failing(StatusCode code, bool failure) =>
        Assert.Equal(failure, DownstreamFailures.IsFailure(Outcome.FromException<object>(new RpcException(new Status(code, "")))));

    [Theory]
    [InlineData(StatusCode.Unavailable, "Fault injected on purpose.", "gRPC Unavailable: Fault injected on purpose")]
    [InlineData(StatusCode.DeadlineExceeded, "", "gRPC DeadlineExceeded")]
    [InlineData(StatusCode.DeadlineExceeded, " . ", "gRPC DeadlineExceeded")]
    public void A_failed_gRPC_call_is_described_by_its_status_and_its_detail_only_when_there_is_one(StatusCode code, string detail, string described) =>
        Assert.Equal(described, DownstreamFailures.Describe(new RpcException(new Status(code, detail))));

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.OK, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    public void An_HTTP_answer_counts_only_when_it_is_a_server_failure(HttpStatusCode status, bool failure)
    {
        using var response = new HttpResponseMessage(status);
        Assert.Equal(failure, DownstreamFailures.IsFailure(Outcome.FromResult<object>(response)));
    }

    [Fact]
    public void A_connection_failure_or_our_timeout_counts_and_the_callers_own_cancellation_does_not()
    {
        Assert.True(DownstreamFailures.IsFailure(Outcome.FromException<object>(new HttpRequestException("connection refused"))));
        Assert.True(DownstreamFailures.IsFailure(Outcome.FromException<object>(new TimeoutRejectedException())));
        Assert.False(DownstreamFailures.IsFailure(Outcome.FromException<object>(new OperationCanceledException())));
    }
}
