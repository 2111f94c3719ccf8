using FoodOrdering.Kitchen;
using FoodOrdering.Kitchen.Api;
using FoodOrdering.Kitchen.Grpc;
using FoodOrdering.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("FTGO Kitchen service");
builder.AddKitchenService();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapKitchenApiV1();
app.MapGrpcService<KitchenGrpcService>();

await app.ApplyMigrationsAsync();
app.Run();
