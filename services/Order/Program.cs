using FoodOrdering.Order;
using FoodOrdering.Order.Api;
using FoodOrdering.Order.Grpc;
using FoodOrdering.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("FTGO Order service", "v1", "v2");
builder.AddOrderService();

var app = builder.Build();
app.UseForwardedHeaders();
app.MapDefaultEndpoints();
app.UseOrderMediaTypes();
app.MapOrdersApi();
app.MapConsumerActivityApiV1();
app.MapGrpcService<OrderGrpcService>();

await app.ApplyMigrationsAsync();
app.Run();
