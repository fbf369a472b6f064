# syntax=docker/dockerfile:1
# paymesh admin-api image. Build from the repository root (docker-compose does this):
#   docker build -f docker/admin-api.Dockerfile -t paymesh/admin-api .
# The same image runs paymeshctl (io.paymesh.admin.cli.PaymeshCtl), e.g. docker-compose's
# one-shot bootstrap of the example policy.

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
COPY config-store config-store
# envoy-validators generates Envoy's field rules at build time (xds-server's Gate needs them);
# proxyless-grpc is a test dependency of xds-server, compiled even with -DskipTests.
COPY envoy-validators envoy-validators
COPY proxyless-grpc proxyless-grpc
COPY xds-server xds-server
# A test dependency of admin-api (MainHelpTest), so part of the reactor even with -DskipTests.
COPY demo-client demo-client
COPY admin-api admin-api
# The cache mount keeps ~/.m2 between builds (BuildKit), so only changed code is rebuilt.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl admin-api -am package

FROM eclipse-temurin:17-jre
# Graphviz lays out the mesh picture (GET /v1/graph?format=svg).
RUN apt-get update && apt-get install -y --no-install-recommends graphviz \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 paymesh
COPY --from=build /src/admin-api/target/admin-api.jar /opt/paymesh/admin-api.jar
COPY docker/admin-api.compose.yaml /etc/paymesh/admin-api.yaml
USER 10001
# REST API, and Dropwizard's admin port (health, metrics, /prometheus).
EXPOSE 8080 8081
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/opt/paymesh/admin-api.jar", "server"]
CMD ["/etc/paymesh/admin-api.yaml"]
