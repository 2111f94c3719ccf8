using FoodOrdering.Consumer;
using FoodOrdering.Consumer.Api;
using FoodOrdering.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("FTGO Consumer service");
builder.AddConsumerService();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapConsumersApiV1();

await app.ApplyMigrationsAsync();
app.Run();
