using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FoodOrdering.Consumer.Tests;

/// <summary>The REST v1 contract of the Consumer service, against a real PostgreSQL database.</summary>
public sealed class ConsumersApiV1Tests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    private readonly HttpClient client = service.CreateClient();

    [Fact]
    public async Task Creating_a_consumer_returns_201_with_its_location_and_id()
    {
        var response = await PostJsonAsync("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"500.00"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var consumerId = body["consumerId"]!.GetValue<long>();
        Assert.True(consumerId > 0);
        Assert.Equal($"/v1/consumers/{consumerId}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task A_created_consumer_can_be_read_back_with_money_as_a_decimal_string()
    {
        var consumerId = await CreateConsumerAsync("""{"name":{"firstName":"Grace","lastName":"Hopper"},"orderLimit":"12.50"}""");

        var response = await client.GetAsync($"/v1/consumers/{consumerId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(consumerId, body["consumerId"]!.GetValue<long>());
        Assert.Equal("Grace", body["name"]!["firstName"]!.GetValue<string>());
        Assert.Equal("Hopper", body["name"]!["lastName"]!.GetValue<string>());
        Assert.Equal("12.50", body["orderLimit"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_order_limit_is_optional_and_defaults_to_1000()
    {
        var consumerId = await CreateConsumerAsync("""{"name":{"firstName":"Alan","lastName":"Turing"}}""");

        var body = await client.GetFromJsonAsync<JsonNode>($"/v1/consumers/{consumerId}");

        Assert.Equal("1000.00", body!["orderLimit"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        var response = await PostJsonAsync("""{"name":{"firstName":"Edsger","lastName":"Dijkstra","title":"Prof."},"loyalty":"gold"}""");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_consumer_is_404_with_problem_details()
    {
        var response = await client.GetAsync("/v1/consumers/987654321");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(404, problem["status"]!.GetValue<int>());
        Assert.Contains("987654321", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"orderLimit":"10.00"}""", "name")]
    [InlineData("""{"name":{"lastName":"Lovelace"}}""", "name.firstName")]
    [InlineData("""{"name":{"firstName":"Ada","lastName":"  "}}""", "name.lastName")]
    [InlineData("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"12.345"}""", "orderLimit")]
    [InlineData("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"-5.00"}""", "orderLimit")]
    [InlineData("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"0"}""", "orderLimit")]
    [InlineData("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"lots"}""", "orderLimit")]
    public async Task Each_invalid_field_is_a_400_validation_problem_naming_the_field(string json, string field)
    {
        var response = await PostJsonAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task A_name_longer_than_100_characters_is_refused()
    {
        var response = await PostJsonAsync(JsonSerializer.Serialize(new { name = new { firstName = new string('a', 101), lastName = "Lovelace" } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("name.firstName", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Money_as_a_json_number_is_a_400_that_names_the_field()
    {
        var response = await PostJsonAsync("""{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":500.5}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Contains("$.orderLimit", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var response = await PostJsonAsync("""{"name": """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_endpoints_answer_when_the_database_does()
    {
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_v1_endpoints()
    {
        var document = await client.GetStringAsync("/swagger/v1/swagger.json");

        Assert.Contains("/v1/consumers/{consumerId}", document);
        Assert.Contains("CreateConsumerV1", document);
    }

    private Task<HttpResponseMessage> PostJsonAsync(string json) =>
        client.PostAsync("/v1/consumers", new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<long> CreateConsumerAsync(string json)
    {
        var response = await PostJsonAsync(json);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["consumerId"]!.GetValue<long>();
    }
}
