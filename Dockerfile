# One Dockerfile for every service and the gateway: docker-compose.yml passes which project to publish
# (PROJECT) and its assembly (ASSEMBLY), e.g. gateway/FoodOrdering.Gateway.csproj and FoodOrdering.Gateway.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG PROJECT
WORKDIR /src
COPY . .
RUN dotnet publish "$PROJECT" -c Release -o /app -nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
ARG ASSEMBLY
ENV SERVICE_ASSEMBLY=${ASSEMBLY}.dll
WORKDIR /app
COPY --from=build /app .
USER $APP_UID
ENTRYPOINT ["sh", "-c", "exec dotnet \"$SERVICE_ASSEMBLY\""]
