using FoodOrdering.Consumer;
using FoodOrdering.Consumer.Api;
using FoodOrdering.Consumer.Grpc;
using FoodOrdering.Messaging.Labs;
using FoodOrdering.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("FTGO Consumer service");
builder.AddConsumerService();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapConsumersApiV1();
app.MapGrpcService<ConsumerGrpcService>();
app.MapDualWriteLab(); // workshop lab 10; only with FTGO_FAULTS_ENABLED

await app.ApplyMigrationsAsync();
app.Run();
