using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.LocalSystem.Processes;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// HATEOAS (a client that knows only the entry point and follows links) and conditional requests: the
/// ETag is the order's version, If-None-Match saves the body (304), If-Match keeps a client from
/// cancelling or revising an order that changed since it read it (412).
/// </summary>
public sealed class HypermediaAndConditionalTests(OrderServiceFactory service) : IClassFixture<OrderServiceFactory>
{
    [Fact]
    public async Task A_client_that_only_follows_links_cancels_an_order()
    {
        var participants = service.Participants();
        var placed = await service.Client.PostAsJsonAsync("/v1/orders", OrderServiceFactory.OrderRequest(70, OrderServiceFactory.RestaurantId));
        var self = placed.Headers.Location!.ToString(); // the only URL the client did not get from a link
        var orderId = (await placed.Content.ReadFromJsonAsync<JsonNode>())!["orderId"]!.GetValue<long>();
        Assert.Null((await FollowAsync(self))["_links"]!["cancel"]); // not while APPROVAL_PENDING

        await service.ApproveAsync(participants, orderId, consumerId: 70);
        var cancel = await WaitForLinkAsync(self, "cancel");
        var cancelled = await service.Client.PostAsync(cancel, null);
        Assert.Equal(HttpStatusCode.Accepted, cancelled.StatusCode);

        var pending = await FollowAsync(self);
        Assert.Equal("CANCEL_PENDING", pending["state"]!.GetValue<string>());
        Assert.Null(pending["_links"]!["cancel"]);
        await participants.ReplyAsync(await participants.ExpectAsync<BeginCancelTicket>(orderId), new TicketCancellationBegun(orderId, 79));
        await participants.ReplyAsync(await participants.ExpectAsync<ReverseAuthorization>(orderId), new AuthorizationReversed(70, orderId));
        await participants.ReplyAsync(await participants.ExpectAsync<ConfirmCancelTicket>(orderId), new TicketCancellationConfirmed(orderId, 79));
        await Wait.UntilAsync(async _ => (await FollowAsync(self))["state"]!.GetValue<string>() == "CANCELLED", TimeSpan.FromSeconds(30),
            "the followed order to be CANCELLED", CancellationToken.None);
        var links = (await FollowAsync(self))["_links"]!.AsObject().Select(l => l.Key);
        Assert.DoesNotContain("cancel", links);
        Assert.DoesNotContain("revise", links);
    }

    [Fact]
    public async Task The_ETag_is_the_orders_version_and_If_None_Match_answers_304_until_it_changes()
    {
        var participants = service.Participants();
        var orderId = await service.PlaceOrderAsync(consumerId: 71);

        var first = await service.Client.GetAsync($"/v1/orders/{orderId}");
        var etag = first.Headers.ETag!;
        var unchanged = await GetIfNoneMatchAsync($"/v1/orders/{orderId}", etag);
        Assert.Equal("\"0-v1\"", etag.Tag);
        Assert.Equal(HttpStatusCode.NotModified, unchanged.StatusCode);
        Assert.Empty(await unchanged.Content.ReadAsByteArrayAsync());
        Assert.Equal(etag, unchanged.Headers.ETag);
        Assert.NotEqual(etag, (await service.Client.GetAsync($"/v2/orders/{orderId}")).Headers.ETag); // another representation, another tag

        await service.ApproveAsync(participants, orderId, consumerId: 71);
        var changed = await GetIfNoneMatchAsync($"/v1/orders/{orderId}", etag);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("\"1-v1\"", changed.Headers.ETag!.Tag);
        Assert.Equal("APPROVED", (await changed.Content.ReadFromJsonAsync<JsonNode>())!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cancel_or_revise_with_a_stale_If_Match_is_412_and_changes_nothing()
    {
        var participants = service.Participants();
        var orderId = await service.PlaceOrderAsync(consumerId: 72);
        var stale = (await service.Client.GetAsync($"/v1/orders/{orderId}")).Headers.ETag!; // read while APPROVAL_PENDING
        await service.ApproveAsync(participants, orderId, consumerId: 72);

        var staleCancel = await SendIfMatchAsync($"/v1/orders/{orderId}/cancel", stale, null);
        var staleRevise = await SendIfMatchAsync($"/v1/orders/{orderId}/revise", stale,
            JsonContent.Create(new { revisedLineItems = new[] { new { menuItemId = "2", quantity = 1 } } }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, staleCancel.StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, staleRevise.StatusCode);
        Assert.Contains("version 1", (await staleCancel.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Equal("APPROVED", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        Assert.Equal(0, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_type <> 'create-order' AND saga_key = '{orderId}'"));

        // The current tag, of either representation, lets the cancel through.
        var current = (await service.Client.GetAsync($"/v2/orders/{orderId}")).Headers.ETag!;
        var cancel = await SendIfMatchAsync($"/v1/orders/{orderId}/cancel", current, null);
        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("CANCEL_PENDING", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
    }

    private async Task<JsonNode> FollowAsync(string href) => (await service.Client.GetFromJsonAsync<JsonNode>(href))!;

    private async Task<string> WaitForLinkAsync(string self, string rel)
    {
        string? href = null;
        await Wait.UntilAsync(async _ => (href = (await FollowAsync(self))["_links"]![rel]?["href"]?.GetValue<string>()) is not null,
            TimeSpan.FromSeconds(30), $"a {rel} link on {self}", CancellationToken.None);
        return href!;
    }

    private Task<HttpResponseMessage> GetIfNoneMatchAsync(string path, EntityTagHeaderValue etag) =>
        service.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path) { Headers = { IfNoneMatch = { etag } } });

    private Task<HttpResponseMessage> SendIfMatchAsync(string path, EntityTagHeaderValue etag, HttpContent? content) =>
        service.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = content, Headers = { IfMatch = { etag } } });
}
