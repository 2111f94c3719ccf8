using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Accounting;
using FoodOrdering.Grpc.Contracts.Consumer.V1;
using FoodOrdering.Grpc.Contracts.Kitchen.V1;
using FoodOrdering.LocalSystem;
using FoodOrdering.LocalSystem.Processes;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using ProtoMoney = FoodOrdering.Grpc.Contracts.Common.V1.Money;

namespace FoodOrdering.Launcher.Commands;

/// <summary>
/// `./ftgo demo`: `up`, then a scripted walkthrough whose every request is printed as the curl
/// command a reader could type, followed by the response. Each step states the status it expects and
/// stops the demo if it gets another, so the end-to-end test that runs it proves the walkthrough.
/// It ends with the order story: respond first, CreateOrderSaga's approval and rejections, revise and cancel.
/// Every public API operation goes through the gateway with a token, as a client's would (docs/walkthrough.md);
/// the gRPC steps, the AuthorizeCard message and the readiness checks are about the services themselves and go to them.
/// </summary>
public static class DemoCommand
{
    public static async Task RunStepsAsync(FtgoSystem system, CancellationToken cancellationToken)
    {
        var gateway = system.Services.Single(s => s.Definition.IsGateway).BaseUrl;
        using var anonymous = new Caller(new HttpClient(), TokenVariable: null);
        await WaitForSubscribersAsync(system, anonymous.Http, cancellationToken);

        Title("1. Sign up a consumer with an order limit, through the gateway (REST v1; sign-up is anonymous)");
        var created = await SendAsync(anonymous, HttpMethod.Post, $"{gateway}/api/v1/consumers",
            """{"name":{"firstName":"Ada","lastName":"Lovelace"},"orderLimit":"500.00"}""", HttpStatusCode.Created, cancellationToken);
        var consumerId = created["consumerId"]!.GetValue<long>();

        Title("2. A token for her (the gateway's demo token endpoint), and read her back with it");
        using var http = await SignInAsync(gateway, "ADA", $$"""{"consumerId":{{consumerId}}}""", cancellationToken);
        await SendAsync(http, HttpMethod.Get, $"{gateway}/api/v1/consumers/{consumerId}", null, HttpStatusCode.OK, cancellationToken);

        Title("3. Bad input gets a problem-details answer that names the field");
        await SendAsync(anonymous, HttpMethod.Post, $"{gateway}/api/v1/consumers", """{"name":{"firstName":""},"orderLimit":"12.345"}""",
            HttpStatusCode.BadRequest, cancellationToken);

        Title("4. An unknown consumer is 404 with problem details");
        await SendAsync(http, HttpMethod.Get, $"{gateway}/api/v1/consumers/999999", null, HttpStatusCode.NotFound, cancellationToken);

        Title("5. The same consumer over gRPC, as the Order service will ask (ftgo.consumer.v1.ConsumerService)");
        var grpcUrl = system.Services.Single(s => s.Definition.Name == "consumer").GrpcUrl;
        using var channel = GrpcChannel.ForAddress(grpcUrl);
        // The generated client; the interceptor prints each call as the grpcurl command that does the same.
        var client = new ConsumerService.ConsumerServiceClient(channel.Intercept(new PrintAsGrpcurl(new Uri(grpcUrl).Authority)));
        var deadline = TimeSpan.FromSeconds(5);
        await CallAsync(() => client.GetConsumerAsync(new GetConsumerRequest { ConsumerId = consumerId },
            deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken), StatusCode.OK);

        Title("6. An order over the consumer's limit: a domain outcome as a gRPC status code");
        await CallAsync(() => client.ValidateOrderByConsumerAsync(
            new ValidateOrderByConsumerRequest { ConsumerId = consumerId, OrderTotal = new ProtoMoney { Amount = "500.01" } },
            deadline: DateTime.UtcNow + deadline, cancellationToken: cancellationToken), StatusCode.FailedPrecondition);

        Title("An admin's token: restaurant and ticket writes and account changes need one");
        using var admin = await SignInAsync(gateway, "ADMIN", """{"role":"admin"}""", cancellationToken);
        await AccountingStepsAsync(system, gateway, http, admin, consumerId, cancellationToken);
        var restaurantId = await RunKitchenStepsAsync(system, gateway, admin, cancellationToken);
        var (grace, orderBody) = await RunOrderStepsAsync(gateway, anonymous, ada: http, restaurantId, declinedConsumerId: consumerId, cancellationToken);
        using (grace)
        {
            await RunOrderApiStepsAsync(gateway, grace, orderBody, cancellationToken);
        }
        ConsoleLog.Info("Demo finished.");
    }

    /// <summary>The Kitchen service: a restaurant and its menu (RestaurantCreated and RestaurantMenuRevised go to restaurant-events).</summary>
    private static async Task<long> RunKitchenStepsAsync(FtgoSystem system, string gateway, Caller http, CancellationToken cancellationToken)
    {
        var kitchen = system.Services.Single(s => s.Definition.Name == "kitchen" && s.Instance == 0);

        Title("Kitchen 1. Create a restaurant with its menu (REST v1; RestaurantCreated carries the whole menu)");
        var created = await SendAsync(http, HttpMethod.Post, $"{gateway}/api/v1/restaurants",
            """{"name":"Ajanta","address":{"street1":"1 Main St","city":"Oakland","state":"CA","zip":"94611"},"menu":{"menuItems":[{"id":"1","name":"Chicken Vindaloo","price":"12.34"},{"id":"2","name":"Garlic Naan","price":"3.50"}]}}""",
            HttpStatusCode.Created, cancellationToken);
        var restaurantId = created["restaurantId"]!.GetValue<long>();

        Title("Kitchen 2. Revise its menu (one RestaurantMenuRevised: the Order service keeps a replica of menus from these events)");
        await SendAsync(http, HttpMethod.Put, $"{gateway}/api/v1/restaurants/{restaurantId}/menu",
            """{"menuItems":[{"id":"1","name":"Chicken Vindaloo","price":"12.34"},{"id":"2","name":"Garlic Naan","price":"3.50"},{"id":"3","name":"Dal Makhani","price":"9.95"}]}""",
            HttpStatusCode.OK, cancellationToken);

        Title("Kitchen 3. A menu price with three decimals is refused as a whole (400, nothing changes)");
        await SendAsync(http, HttpMethod.Put, $"{gateway}/api/v1/restaurants/{restaurantId}/menu",
            """{"menuItems":[{"id":"1","name":"Chicken Vindaloo","price":"12.345"}]}""", HttpStatusCode.BadRequest, cancellationToken);

        Title("Kitchen 4. The restaurant over gRPC (ftgo.kitchen.v1.KitchenService; UploadMenu and TicketBoard stream, see docs/grpc.md)");
        using var channel = GrpcChannel.ForAddress(kitchen.GrpcUrl);
        var client = new KitchenService.KitchenServiceClient(channel.Intercept(new PrintAsGrpcurl(new Uri(kitchen.GrpcUrl).Authority)));
        await CallAsync(() => client.GetRestaurantAsync(new GetRestaurantRequest { RestaurantId = restaurantId },
            deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: cancellationToken), StatusCode.OK);

        Title("Kitchen 5. Tickets come from the order sagas; an unknown ticket is 404 with problem details");
        await SendAsync(http, HttpMethod.Post, $"{gateway}/api/v1/tickets/999999/accept", """{"readyBy":"2030-01-01T12:00:00Z"}""",
            HttpStatusCode.NotFound, cancellationToken);
        return restaurantId;
    }

    // --- Order service (issue 10): the story every workshop tells ---

    /// <summary>
    /// An order answered at once as APPROVAL_PENDING and approved a moment later by CreateOrderSaga over the
    /// command and reply channels; a rejected order with its reason; a cancel and a revise by their sagas.
    /// </summary>
    /// <returns>Grace, and the body of the order she placed (the API steps place it once more).</returns>
    private static async Task<(Caller Grace, string OrderBody)> RunOrderStepsAsync(string gateway, Caller anonymous, Caller ada, long restaurantId,
        long declinedConsumerId, CancellationToken cancellationToken)
    {
        var order = $"{gateway}/api";

        Title("Order 1. Sign up Grace (order limit 100.00), and her token; her account opens at the Accounting service");
        var grace = (await SendAsync(anonymous, HttpMethod.Post, $"{gateway}/api/v1/consumers",
            """{"name":{"firstName":"Grace","lastName":"Hopper"},"orderLimit":"100.00"}""", HttpStatusCode.Created, cancellationToken))["consumerId"]!
            .GetValue<long>();
        var http = await SignInAsync(gateway, "GRACE", $$"""{"consumerId":{{grace}}}""", cancellationToken);

        Title("Order 2. Place an order: 201 at once, APPROVAL_PENDING (respond first: no call to any other service)");
        ConsoleLog.Line("demo", 92, "(the Order service prices it from its replica of the menus, kept from RestaurantCreated events)");
        var orderBody = $$"""{"consumerId":{{grace}},"restaurantId":{{restaurantId}},"lineItems":[{"menuItemId":"1","quantity":2},{"menuItemId":"2","quantity":1}],"deliveryAddress":{"street1":"9 West St","city":"Oakland","state":"CA","zip":"94612"},"deliveryTime":"{{DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}""";
        await WaitForMenuReplicaAsync(http, order, grace, restaurantId, cancellationToken);
        var orderId = (await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders", orderBody, HttpStatusCode.Created, cancellationToken))["orderId"]!
            .GetValue<long>();

        Title("Order 3. Poll it (Retry-After: 1): CreateOrderSaga validates with Consumer, creates the ticket, authorizes the card, confirms the ticket");
        await PollOrderAsync(http, $"{order}/v1/orders/{orderId}", "APPROVED", cancellationToken);

        Title("Order 4. An order over Grace's limit is accepted, then REJECTED by the saga, with the reason");
        var tooBig = orderBody.Replace("\"quantity\":2", "\"quantity\":9");
        var rejectedId = (await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders", tooBig, HttpStatusCode.Created, cancellationToken))["orderId"]!
            .GetValue<long>();
        await PollOrderAsync(http, $"{order}/v1/orders/{rejectedId}", "REJECTED", cancellationToken);

        Title("Order 5. Ada's account was disabled (step 8): her order is REJECTED, 'card declined', and its ticket compensated (CancelCreateTicket)");
        var declinedId = (await SendAsync(ada, HttpMethod.Post, $"{order}/v1/orders",
            orderBody.Replace($"\"consumerId\":{grace}", $"\"consumerId\":{declinedConsumerId}"), HttpStatusCode.Created, cancellationToken))["orderId"]!
            .GetValue<long>();
        await PollOrderAsync(ada, $"{order}/v1/orders/{declinedId}", "REJECTED", cancellationToken);

        Title("Order 6. Revise the approved order (ReviseOrderSaga): REVISION_PENDING, then APPROVED with the new total");
        await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders/{orderId}/revise", """{"revisedLineItems":[{"menuItemId":"1","quantity":3}]}""",
            HttpStatusCode.Accepted, cancellationToken);
        await PollOrderAsync(http, $"{order}/v1/orders/{orderId}", "APPROVED", cancellationToken);

        Title("Order 7. Cancel it (CancelOrderSaga): CANCEL_PENDING, then CANCELLED; the ticket is cancelled and the authorization reversed");
        await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders/{orderId}/cancel", null, HttpStatusCode.Accepted, cancellationToken);
        await PollOrderAsync(http, $"{order}/v1/orders/{orderId}", "CANCELLED", cancellationToken);

        Title("Order 8. Cancelling again is idempotent: the current state, nothing changes");
        await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders/{orderId}/cancel", null, HttpStatusCode.Accepted, cancellationToken);

        Title("Order 9. What the sagas told Grace: the one-way NotifyConsumer commands, recorded by the Consumer service");
        await Wait.UntilAsync(async ct => (await http.Http.GetStringAsync($"{gateway}/api/v1/consumers/{grace}/notifications", ct)).Split("orderId").Length > 4,
            TimeSpan.FromSeconds(30), "the notifications of the approval, the rejection, the revision and the cancel", cancellationToken);
        await SendAsync(http, HttpMethod.Get, $"{gateway}/api/v1/consumers/{grace}/notifications", null, HttpStatusCode.OK, cancellationToken);
        return (http, orderBody);
    }

    // --- Evolving and querying the Order API (issue 11): docs/walkthrough.md, sections 7 to 9 and 13 ---

    /// <summary>
    /// One order through v1, v2 and the vendor media type; a conditional GET answered 304 from its ETag; a cancel
    /// found by following the order's <c>cancel</c> link; <c>?expand=consumer</c>; and Grace's activity, gathered
    /// from three services (printed as it came: on a loaded machine a part may be missing, which the answer says).
    /// </summary>
    private static async Task RunOrderApiStepsAsync(string gateway, Caller http, string orderBody, CancellationToken cancellationToken)
    {
        var order = $"{gateway}/api";

        Title("API 1. Another order for Grace, approved by the saga as before");
        var orderId = (await SendAsync(http, HttpMethod.Post, $"{order}/v1/orders", orderBody, HttpStatusCode.Created, cancellationToken))["orderId"]!
            .GetValue<long>();
        await PollOrderAsync(http, $"{order}/v1/orders/{orderId}", "APPROVED", cancellationToken);

        Title("API 2. The same order through v1, v2 and the version-less path by media type: one row, two representations");
        ConsoleLog.Line("demo", 92, "(each answer shortened to the fields the step is about)");
        var (v1, etag) = await ExchangeAsync(http, HttpMethod.Get, $"{order}/v1/orders/{orderId}", null, HttpStatusCode.OK, cancellationToken,
            ["orderTotal", "deliveryTime", "_links"]);
        var (v2, _) = await ExchangeAsync(http, HttpMethod.Get, $"{order}/v2/orders/{orderId}", null, HttpStatusCode.OK, cancellationToken,
            ["orderTotal", "delivery", "stateHistory"]);
        await ExchangeAsync(http, HttpMethod.Get, $"{order}/orders/{orderId}", null, HttpStatusCode.OK, cancellationToken, ["orderTotal"],
            ("Accept", "application/vnd.ftgo.order.v2+json"));
        ConsoleLog.Line("demo", 92, $"orderTotal in v1: {v1["orderTotal"]!.ToJsonString()}   in v2: {v2["orderTotal"]!.ToJsonString()}");

        Title("API 3. Ask again with the ETag it came with: 304 Not Modified, no body, while nothing changed");
        await SendAsync(http, HttpMethod.Get, $"{order}/v1/orders/{orderId}", null, HttpStatusCode.NotModified, cancellationToken,
            ("If-None-Match", etag ?? throw new InvalidOperationException($"The demo expected an ETag on GET /v1/orders/{orderId}.")));

        Title("API 4. ?expand=consumer: the order and its consumer in one round trip (the Order service asks the Consumer service over gRPC)");
        await ExchangeAsync(http, HttpMethod.Get, $"{order}/v1/orders/{orderId}?expand=consumer", null, HttpStatusCode.OK, cancellationToken,
            ["orderId", "consumerId", "_embedded", "warnings"]);

        Title("API 5. Follow the links: cancel by the href in _links (there only while the order may be cancelled)");
        var cancel = v1["_links"]?["cancel"]?["href"]?.GetValue<string>()
            ?? throw new InvalidOperationException($"The demo expected a cancel link on the APPROVED order {orderId}.");
        ConsoleLog.Line("demo", 92, $"_links.cancel.href of the v1 answer above: {cancel}   (a gateway path: the client follows it as it is)");
        await SendAsync(http, HttpMethod.Post, $"{gateway}{cancel}", null, HttpStatusCode.Accepted, cancellationToken);
        await PollOrderAsync(http, $"{order}/v1/orders/{orderId}", "CANCELLED", cancellationToken);

        Title("API 6. Grace's activity: one query published, the Order, Kitchen and Accounting services' replies gathered (\"missing\" names a part that did not answer in time)");
        var grace = JsonNode.Parse(orderBody)!["consumerId"]!.GetValue<long>();
        await SendAsync(http, HttpMethod.Get, $"{order}/v1/consumers/{grace}/activity", null, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>The restaurant created a moment ago reaches the Order service's menu replica through restaurant-events: wait for it quietly.</summary>
    private static Task WaitForMenuReplicaAsync(Caller consumer, string order, long consumerId, long restaurantId, CancellationToken cancellationToken) =>
        Wait.UntilAsync(async ct =>
            {
                // An order of a dish no menu has: refused either way (422, nothing stored), but for another reason once the restaurant is known.
                using var probe = new StringContent(
                    $$"""{"consumerId":{{consumerId}},"restaurantId":{{restaurantId}},"lineItems":[{"menuItemId":"no-such-dish","quantity":1}],"deliveryAddress":{"street1":"9 West St","city":"Oakland","state":"CA","zip":"94612"},"deliveryTime":"2030-01-01T12:00:00Z"}""",
                    Encoding.UTF8, "application/json");
                using var response = await consumer.Http.PostAsync($"{order}/v1/orders", probe, ct);
                return !(await response.Content.ReadAsStringAsync(ct)).Contains($"There is no restaurant {restaurantId}");
            },
            TimeSpan.FromSeconds(30), $"restaurant {restaurantId} to reach the Order service's menu replica", cancellationToken);

    /// <summary>Polls an order as a client does, printing each state it passes through, until it settles; it must settle in <paramref name="state"/>.</summary>
    private static async Task PollOrderAsync(Caller http, string url, string state, CancellationToken cancellationToken)
    {
        ConsoleLog.Line("demo", 92, $"$ curl -s {url}{http.CurlHeader}   # every second, until the saga is done");
        string[] final = ["APPROVED", "REJECTED", "CANCELLED"];
        var seen = "";
        JsonNode? last = null;
        await Wait.UntilAsync(async ct =>
            {
                last = JsonNode.Parse(await http.Http.GetStringAsync(url, ct))!;
                var now = last["state"]!.GetValue<string>();
                if (now != seen)
                {
                    ConsoleLog.Line("demo", 92, $"state: {now}" + (last["rejectionReason"] is { } reason ? $"   rejectionReason: {reason}" : "")
                        + (last["refusalReason"] is { } refusal ? $"   refusalReason: {refusal}" : ""));
                    seen = now;
                }
                return final.Contains(now);
            },
            TimeSpan.FromSeconds(60), $"{url} to be {state}", cancellationToken);
        if (seen != state)
        {
            throw new InvalidOperationException($"The demo expected {url} to become {state}, it became {seen}.");
        }
        foreach (var line in last!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Split('\n'))
        {
            ConsoleLog.Line("demo", 92, line);
        }
    }

    // --- Accounting service (issue 9) ---

    /// <summary>
    /// The sign-up's ConsumerCreated opened an account (publish/subscribe); then a card authorization is
    /// declined on purpose: the account is disabled, and AuthorizeCard, sent as CreateOrderSaga will send it,
    /// is answered CardAuthorizationFailed on the reply channel. (The declined ORDER comes with the Order service.)
    /// </summary>
    private static async Task AccountingStepsAsync(FtgoSystem system, string gateway, Caller http, Caller admin, long consumerId, CancellationToken cancellationToken)
    {
        var accounting = $"{gateway}/api";

        Title("7. The sign-up's ConsumerCreated event opened an account at the Accounting service (publish/subscribe)");
        await Wait.UntilAsync(async ct => (await http.Http.GetAsync($"{accounting}/v1/accounts/{consumerId}", ct)).IsSuccessStatusCode,
            TimeSpan.FromSeconds(30), $"the account of consumer {consumerId} to be opened", cancellationToken);
        await SendAsync(http, HttpMethod.Get, $"{accounting}/v1/accounts/{consumerId}", null, HttpStatusCode.OK, cancellationToken);

        Title("8. Disable the account on purpose: its card authorizations will be declined");
        await SendAsync(admin, HttpMethod.Put, $"{accounting}/v1/accounts/{consumerId}", """{"disabled":true}""", HttpStatusCode.OK, cancellationToken);

        Title("9. AuthorizeCard, as CreateOrderSaga sends it (asynchronous request/response): declined, answered on the reply channel");
        await using var saga = new DemoSaga(system.RabbitMqUri);
        var orderId = consumerId * 1000 + 1; // an order id this account has not seen; the Order service will assign real ones
        var (reply, _) = await saga.AskAsync(new AuthorizeCard(consumerId, orderId, "12.34"), orderId.ToString(), cancellationToken);
        if (reply != nameof(CardAuthorizationFailed))
        {
            throw new InvalidOperationException($"The demo expected {nameof(CardAuthorizationFailed)}, got {reply}.");
        }

        Title("10. The account shows the declined authorization, with its reason");
        await SendAsync(http, HttpMethod.Get, $"{accounting}/v1/accounts/{consumerId}", null, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>
    /// Ready means "its database answers"; a subscriber's queue may be a moment behind on a first start, and an
    /// event published before its queue exists reaches nobody. So wait for the subscribers' message buses.
    /// </summary>
    private static async Task WaitForSubscribersAsync(FtgoSystem system, HttpClient http, CancellationToken cancellationToken)
    {
        foreach (var service in system.Services.Where(s => s.Definition.Name is "accounting" or "order"))
        {
            await Wait.UntilAsync(async ct =>
                {
                    using var response = await http.GetAsync($"{service.BaseUrl}/health", ct);
                    return JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))?["checks"]?["message-bus"]?["status"]?.GetValue<string>() == "Healthy";
                },
                TimeSpan.FromSeconds(60), $"{service.Definition.Name}'s message bus to run", cancellationToken);
        }
    }

    private static void Title(string title) => ConsoleLog.Line("demo", 92, $"== {title}");

    /// <summary>A unary gRPC call and its answer (the response as JSON, or the status), checked against the status the step expects.</summary>
    private static async Task CallAsync<TResponse>(Func<AsyncUnaryCall<TResponse>> call, StatusCode expected)
        where TResponse : IMessage
    {
        StatusCode status;
        try
        {
            var response = await call();
            status = StatusCode.OK;
            ConsoleLog.Line("demo", 92, new JsonFormatter(JsonFormatter.Settings.Default.WithFormatDefaultValues(true)).Format(response));
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
            ConsoleLog.Line("demo", 92, $"ERROR: Code: {e.StatusCode}, Message: {e.Status.Detail}");
        }
        if (status != expected)
        {
            throw new InvalidOperationException($"The demo expected gRPC status {expected}, got {status}.");
        }
    }

    /// <summary>Prints every call the way a reader would type it with grpcurl (method name and request from the call itself).</summary>
    private sealed class PrintAsGrpcurl(string authority) : Interceptor
    {
        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(TRequest request, ClientInterceptorContext<TRequest, TResponse> context,
            AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            var json = request is IMessage message ? JsonFormatter.Default.Format(message) : "{}";
            ConsoleLog.Line("demo", 92, $"$ grpcurl -plaintext -d '{json}' {authority} {context.Method.FullName.TrimStart('/')}");
            return continuation(request, context);
        }
    }

    private static async Task<JsonNode> SendAsync(Caller http, HttpMethod method, string url, string? body, HttpStatusCode expected,
        CancellationToken cancellationToken, params (string Name, string Value)[] headers) =>
        (await ExchangeAsync(http, method, url, body, expected, cancellationToken, only: null, headers)).Json;

    /// <summary>
    /// Sends a request printed as curl, prints the answer (all of it, or only the top-level fields <paramref name="only"/> names),
    /// checks its status; returns its JSON (empty when it has no body) and its ETag.
    /// </summary>
    private static async Task<(JsonNode Json, string? ETag)> ExchangeAsync(Caller http, HttpMethod method, string url, string? body,
        HttpStatusCode expected, CancellationToken cancellationToken, string[]? only, params (string Name, string Value)[] headers)
    {
        var target = url.Contains('?') ? $"'{url}'" : url; // a query string needs quotes in a shell
        var curl = body is null
            ? method == HttpMethod.Get ? $"curl -i {target}" : $"curl -i -X {method} {target}"
            : $"curl -i -X {method} {target} -H 'Content-Type: application/json' -d '{body}'";
        ConsoleLog.Line("demo", 92, "$ " + curl + http.CurlHeader + string.Concat(headers.Select(h => $" -H '{h.Name}: {h.Value}'")));

        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await http.Http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var location = response.Headers.Location is { } l ? $"  Location: {l}" : "";
        var etag = response.Headers.ETag?.ToString();
        // The headers the Order API's steps are about: the version that came back (a vendor media type) and the ETag.
        var contentType = response.Content.Headers.ContentType?.MediaType is { } type && type.Contains(".ftgo.") ? $"  Content-Type: {type}" : "";
        ConsoleLog.Line("demo", 92, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{location}{contentType}{(etag is null ? "" : $"  ETag: {etag}")}");
        var json = string.IsNullOrEmpty(text) ? new JsonObject() : JsonNode.Parse(text)!;
        var shown = only is not null && json is JsonObject fields
            ? new JsonObject(fields.Where(f => only.Contains(f.Key)).Select(f => KeyValuePair.Create(f.Key, f.Value?.DeepClone())))
            : json;
        if (!string.IsNullOrEmpty(text))
        {
            foreach (var line in shown.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).Split('\n'))
            {
                ConsoleLog.Line("demo", 92, line);
            }
        }
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"The demo expected {(int)expected} {expected} from {method} {url}, got {(int)response.StatusCode}.");
        }
        return (json, etag);
    }

    /// <summary>
    /// A token from the gateway's demo token endpoint (<c>POST /api/v1/auth/token</c>), printed as the line a reader
    /// types to keep it in <paramref name="tokenVariable"/>; the caller sends it with every request.
    /// </summary>
    private static async Task<Caller> SignInAsync(string gateway, string tokenVariable, string body, CancellationToken cancellationToken)
    {
        using var anonymous = new Caller(new HttpClient(), TokenVariable: null);
        var token = (await ExchangeAsync(anonymous, HttpMethod.Post, $"{gateway}/api/v1/auth/token", body, HttpStatusCode.OK, cancellationToken, only: ["expiresIn"]))
            .Json["accessToken"]!.GetValue<string>();
        ConsoleLog.Line("demo", 92, $"(its accessToken, kept as ${tokenVariable}: the requests that send it say -H \"Authorization: Bearer ${tokenVariable}\")");
        var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Caller(http, tokenVariable);
    }

    /// <summary>Who sends a request: an HttpClient with their token (none: anonymous), and the shell variable the printed curl names it by.</summary>
    private sealed record Caller(HttpClient Http, string? TokenVariable) : IDisposable
    {
        public string CurlHeader => TokenVariable is null ? "" : $" -H \"Authorization: Bearer ${TokenVariable}\"";

        public void Dispose() => Http.Dispose();
    }
}
