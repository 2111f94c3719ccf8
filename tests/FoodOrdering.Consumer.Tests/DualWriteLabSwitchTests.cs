using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// Workshop lab 10's dual-write switch exists only with fault injection on (FTGO_FAULTS_ENABLED, as the demo
/// starts the services); without it there is no endpoint and sign-ups always go through the outbox. What the
/// switch does is proven between the real processes (tests/FoodOrdering.EndToEnd.Tests, DualWriteLabTests).
/// </summary>
public sealed class DualWriteLabSwitchTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    [Fact]
    public async Task Without_fault_injection_the_switch_does_not_exist_and_a_sign_up_writes_its_outbox_row()
    {
        var client = service.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/_admin/labs/dual-write")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/_admin/labs/dual-write", new { mode = "CommitThenPublish", brokerDown = true })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.DeleteAsync("/_admin/labs/dual-write")).StatusCode);

        var created = await client.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Ada", lastName = "Lovelace" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var consumerId = (await created.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();
        Assert.Equal(1L, await service.Database.ScalarAsync<long>($"SELECT count(*) FROM outbox WHERE message_key = '{consumerId}'"));
    }
}
