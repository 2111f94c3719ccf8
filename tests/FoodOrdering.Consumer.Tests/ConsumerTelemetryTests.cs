using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FoodOrdering.Contracts.Consumer;
using FoodOrdering.LocalSystem.Processes;
using FoodOrdering.Messaging;
using FoodOrdering.Messaging.Inbox;
using FoodOrdering.ServiceDefaults.Migrations;
using FoodOrdering.Testing;
using MassTransit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FoodOrdering.Consumer.Tests;

/// <summary>
/// OpenTelemetry end to end: one sign-up is one trace, from the HTTP request through the outbox row and
/// the message relay's publish to the handler that consumes the event in another service; and the
/// metrics an operator scrapes.
/// </summary>
public sealed class ConsumerTelemetryTests(ConsumerServiceFactory service) : IClassFixture<ConsumerServiceFactory>
{
    [Fact]
    public async Task One_sign_up_is_one_trace_from_the_request_through_the_outbox_and_the_relay_to_the_consuming_handler()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is MessagingTelemetry.SourceName or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == traceId)
                {
                    spans.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var subscriber = await SubscriberAsync();
        var client = service.CreateClient();

        // The caller's trace (as a gateway would pass it) is where the sign-up's trace begins.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/consumers")
        {
            Content = JsonContent.Create(new { name = new { firstName = "Ada", lastName = "Lovelace" }, orderLimit = "500.00" }),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var consumerId = (await response.Content.ReadFromJsonAsync<JsonNode>())!["consumerId"]!.GetValue<long>();

        // The outbox row remembers the trace...
        Assert.Contains(traceId.ToString(), await service.Database.ScalarAsync<string>($"SELECT headers->>'traceparent' FROM outbox WHERE message_key = '{consumerId}'"));
        // ...the consuming handler, in another service, runs in it...
        await Wait.UntilAsync(_ => Task.FromResult(TraceRecordingHandler.Seen.ContainsKey(consumerId)), TimeSpan.FromSeconds(30),
            "the subscriber to handle ConsumerCreated", CancellationToken.None);
        Assert.Equal(traceId, TraceRecordingHandler.Seen[consumerId]);
        // ...and so do the relay's publish and MassTransit's receive between them. The publish span ends with the
        // broker's confirm, which may come after the message was delivered and handled: wait for both.
        await Wait.UntilAsync(_ => Task.FromResult(spans.Any(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer)
                && spans.Any(s => s.DisplayName == "consumer-events publish")),
            TimeSpan.FromSeconds(10), "the receive and publish spans to end", CancellationToken.None);
        var publish = Assert.Single(spans, s => s.DisplayName == "consumer-events publish");
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Contains(spans, s => s.Source.Name == "MassTransit" && s.ParentSpanId == publish.SpanId);
    }

    [Fact]
    public async Task Metrics_are_served_as_Prometheus_text_with_the_outbox_and_the_relay()
    {
        var client = service.CreateClient();
        var created = await client.PostAsJsonAsync("/v1/consumers", new { name = new { firstName = "Alan", lastName = "Turing" }, orderLimit = "100.00" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        string metrics = "";
        await Wait.UntilAsync(async _ => (metrics = await client.GetStringAsync("/metrics")).Contains("ftgo_relay_published"),
            TimeSpan.FromSeconds(30), "the relay's published counter on /metrics", CancellationToken.None);

        Assert.Contains("ftgo_outbox_backlog", metrics);
        Assert.Contains("ftgo_outbox_oldest_unsent_age_seconds", metrics);
        Assert.Contains("ftgo_outbox_failed", metrics);
        Assert.Contains("http_server_request_duration_seconds", metrics);
        Assert.Contains("dotnet_gc_", metrics);
        Assert.Contains("db_client_operation_duration_seconds", metrics);
    }

    /// <summary>A subscriber of consumer-events in its own host and database, as the Accounting service will be.</summary>
    private async Task<IAsyncDisposable> SubscriberAsync()
    {
        var database = await TestDatabase.NewAsync("trace-subscriber");
        await new SqlMigrationRunner(database.ConnectionString, [MessagingExtensions.SchemaTrack], NullLogger.Instance).ApplyAsync();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddDbContext<InboxOnlyDbContext>(o => o.UseNpgsql(database.ConnectionString));
        builder.Services.AddMessaging<InboxOnlyDbContext>(database.ConnectionString, service.RabbitMqUri,
            new MessagingOptions { Relay = RelayKind.None, ServiceName = "trace-subscriber", ChannelPrefix = service.ChannelPrefix },
            messaging => messaging.Subscribe<ConsumerCreated, TraceRecordingHandler>("trace-subscriber"));
        var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(30));
        return new Subscriber(host, database);
    }

    private sealed class Subscriber(IHost host, TestDatabase database) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
            await database.DisposeAsync();
        }
    }

    private sealed class InboxOnlyDbContext(DbContextOptions<InboxOnlyDbContext> options) : DbContext(options)
    {
        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxAndInbox();
    }

    private sealed class TraceRecordingHandler : IMessageHandler<ConsumerCreated>
    {
        public static readonly ConcurrentDictionary<long, ActivityTraceId> Seen = new();

        public static string Name => "test.trace-recording";

        public Task HandleAsync(IncomingMessage<ConsumerCreated> message, CancellationToken cancellationToken)
        {
            Seen[message.Body.ConsumerId] = Activity.Current?.TraceId ?? default;
            return Task.CompletedTask;
        }
    }
}
