using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Contracts.Kitchen;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Order.Persistence;
using FoodOrdering.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OrderAggregate = FoodOrdering.Order.Domain.Order;

namespace FoodOrdering.Order.Tests;

/// <summary>
/// HATEOAS (a client that knows only the entry point and follows links) and conditional requests: the
/// ETag is the order's version, If-None-Match saves the body (304), If-Match keeps a client from
/// cancelling or revising an order that changed since it read it (412), also when the change comes between
/// the service's check and its save.
/// </summary>
public sealed class HypermediaAndConditionalTests(ConcurrentChangeOrderServiceFactory service) : IClassFixture<ConcurrentChangeOrderServiceFactory>
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

    [Fact]
    public async Task A_change_between_the_If_Match_check_and_the_save_is_412_too_and_without_If_Match_409()
    {
        var participants = service.Participants();
        var orderId = await service.ApprovedOrderAsync(participants, consumerId: 73);
        var tag = (await service.Client.GetAsync($"/v1/orders/{orderId}")).Headers.ETag!;
        Assert.Equal("\"1-v1\"", tag.Tag);

        // The tag is current when the service checks it; another change commits before the service saves.
        service.ConcurrentChange.BeforeNextSaveOf(orderId);
        var racedCancel = await SendIfMatchAsync($"/v1/orders/{orderId}/cancel", tag, null);
        tag = (await service.Client.GetAsync($"/v1/orders/{orderId}")).Headers.ETag!;
        Assert.Equal("\"2-v1\"", tag.Tag);
        service.ConcurrentChange.BeforeNextSaveOf(orderId);
        var racedRevise = await SendIfMatchAsync($"/v1/orders/{orderId}/revise", tag,
            JsonContent.Create(new { revisedLineItems = new[] { new { menuItemId = "2", quantity = 1 } } }));

        Assert.Equal(HttpStatusCode.PreconditionFailed, racedCancel.StatusCode);
        Assert.Contains($"Order {orderId} is at version 2 now", (await racedCancel.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.PreconditionFailed, racedRevise.StatusCode);
        Assert.Contains($"Order {orderId} is at version 3 now", (await racedRevise.Content.ReadFromJsonAsync<JsonNode>())!["detail"]!.GetValue<string>());
        Assert.Equal("APPROVED", (await service.GetOrderAsync(orderId))["state"]!.GetValue<string>());
        Assert.Equal(0, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM saga_instances WHERE saga_type <> 'create-order' AND saga_key = '{orderId}'"));

        // The same race for a request without If-Match: it named no version, so it is a conflict (409).
        service.ConcurrentChange.BeforeNextSaveOf(orderId);
        var unconditional = await service.Client.PostAsync($"/v1/orders/{orderId}/cancel", null);
        Assert.Equal(HttpStatusCode.Conflict, unconditional.StatusCode);
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

/// <summary>The Order service with <see cref="ConcurrentChange"/> hooked into its DbContext.</summary>
public sealed class ConcurrentChangeOrderServiceFactory : OrderServiceFactory
{
    public ConcurrentChange ConcurrentChange { get; private set; } = null!;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ConcurrentChange = new ConcurrentChange(Database);
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.ConfigureDbContext<OrderDbContext>(options => options.AddInterceptors(ConcurrentChange)));
    }
}

/// <summary>
/// Another change of an order (as another Order instance or a saga reply would make), committed on its own
/// connection right before the service's next save of that order: after the service read the order and
/// checked the request's If-Match, before its UPDATE. Deterministic: no timing decides who wins.
/// </summary>
public sealed class ConcurrentChange(TestDatabase database) : SaveChangesInterceptor
{
    private long orderId;

    public void BeforeNextSaveOf(long order) => Interlocked.Exchange(ref orderId, order);

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        var armed = Interlocked.Read(ref orderId);
        if (armed != 0 && eventData.Context!.ChangeTracker.Entries<OrderAggregate>().Any(e => e.Entity.Id == armed && e.State == EntityState.Modified)
            && Interlocked.CompareExchange(ref orderId, 0, armed) == armed)
        {
            await database.ScalarAsync<int>($"UPDATE orders SET version = version + 1 WHERE id = {armed} RETURNING version");
        }
        return result;
    }
}
