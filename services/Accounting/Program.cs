using FoodOrdering.Accounting;
using FoodOrdering.Accounting.Api;
using FoodOrdering.Accounting.Grpc;
using FoodOrdering.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("FTGO Accounting service");
builder.AddAccountingService();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAccountsApiV1();
app.MapGrpcService<AccountingGrpcService>();

await app.ApplyMigrationsAsync();
app.Run();
