using FoodOrdering.Testing;

namespace FoodOrdering.Kitchen.Tests;

/// <summary>
/// grpc-js (@grpc/grpc-js from npm) drives the Kitchen service's streaming rpcs, loading kitchen.proto
/// itself: client streaming UploadMenu and bidirectional TicketBoard work for a Node.js client too
/// (tests/FoodOrdering.Grpc.Tests/interop/kitchen_client.js).
/// </summary>
[Collection(KitchenProcessCollection.Name)]
public sealed class KitchenGrpcJsTests(KitchenProcessFixture kitchen)
{
    [Fact]
    public async Task Grpc_js_uploads_a_menu_and_works_a_ticket_board()
    {
        var restaurantId = await kitchen.CreateRestaurantAsync();
        var ticketId = await kitchen.ConfirmedTicketAsync(restaurantId);

        var output = await InteropPeer.RunToEndAsync("node", "kitchen_client.js", new Uri(kitchen.GrpcUrl).Authority, restaurantId.ToString(), ticketId.ToString());

        var report = string.Join(Environment.NewLine, output);
        foreach (var scenario in new[] { "upload_menu", "upload_menu_invalid_argument", "upload_menu_not_found", "ticket_board" })
        {
            Assert.True(output.Contains($"PASS {scenario}"), report);
        }
        Assert.Equal(500L, await kitchen.CountAsync($"SELECT jsonb_array_length(menu_items)::bigint FROM restaurants WHERE id = {restaurantId}"));
        Assert.Equal(1L, await kitchen.CountAsync($"SELECT count(*) FROM outbox WHERE message_type = 'TicketPreparationStarted' AND payload::jsonb ->> 'ticketId' = '{ticketId}'"));
    }
}
