# syntax=docker/dockerfile:1
# Build: the SDK plus Node.js, because the build runs `npm ci` and LibMan to place htmx and Chart.js.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY package.json package-lock.json libman.json Directory.Build.props Directory.Packages.props ./
COPY MonitorApp/MonitorApp.csproj MonitorApp/
RUN dotnet restore MonitorApp/MonitorApp.csproj
COPY MonitorApp/ MonitorApp/
RUN dotnet publish MonitorApp/MonitorApp.csproj -c Release -o /app --no-restore

# Run: the ASP.NET runtime only, as the image's non-root "app" user, on port 8080.
# Nothing is added to the runtime image: the health check is the app itself.
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    Database__Provider=Postgres
# Supply ConnectionStrings__Monitor at run time, e.g.
#   docker run -e ConnectionStrings__Monitor="Host=db;Database=monitor;Username=monitor;Password=…" monitorapp
# and apply migrations once with: docker run … monitorapp db migrate
USER $APP_UID
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["dotnet", "MonitorApp.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "MonitorApp.dll"]
