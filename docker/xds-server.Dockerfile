# syntax=docker/dockerfile:1
# paymesh xds-server image. Build from the repository root (docker-compose does this):
#   docker build -f docker/xds-server.Dockerfile -t paymesh/xds-server .

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml ./
# The parent lists admin-api and demo-client as modules; their poms must exist for the reactor
# to load.
COPY admin-api/pom.xml admin-api/
COPY demo-client/pom.xml demo-client/
COPY config-store config-store
# envoy-validators generates Envoy's field rules at build time (xds-server's Gate needs them);
# proxyless-grpc is a test dependency of xds-server, compiled even with -DskipTests.
COPY envoy-validators envoy-validators
COPY proxyless-grpc proxyless-grpc
COPY xds-server xds-server
# The cache mount keeps ~/.m2 between builds (BuildKit), so only changed code is rebuilt.
RUN --mount=type=cache,target=/root/.m2 mvn -B -q -DskipTests -pl xds-server -am package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 paymesh
COPY --from=build /src/xds-server/target/xds-server.jar /opt/paymesh/xds-server.jar
COPY --from=build /src/xds-server/src/main/cds/xds-server.classlist /opt/paymesh/
# The class-data archive (AppCDS) of the classes a replica loads to start, build its first groups
# and publish a change: made here, by the JVM that will map it (an archive belongs to one JVM build
# and one jar). A replica then starts about a second sooner at 1,000 services (docs/performance.md).
RUN java -Xshare:dump -XX:SharedClassListFile=/opt/paymesh/xds-server.classlist \
      -XX:SharedArchiveFile=/opt/paymesh/xds-server.jsa -cp /opt/paymesh/xds-server.jar
COPY docker/xds-server.compose.yaml /etc/paymesh/xds-server.yaml
USER 10001
# C1 alone: a replica's CPU comes in bursts (proxies connecting, a policy change) whose code C2
# would cost more to compile than it saves (docs/performance.md, "C1 alone"). The heap in
# transparent huge pages where the node's kernel offers them on request (THP "madvise"): a
# connect touches most of a gigabyte for the first time, and does so with less CPU in 2 MiB pages
# (docs/performance.md, "huge pages"). What survives a young collection goes straight to the old
# generation: here it lives on (snapshots, streams), and copying it between survivor spaces first
# made G1's pauses longer (docs/performance.md, "tenuring"). A pause goal of 20 ms: young
# collections stay short, so a policy change does not wait out one that copies a whole connect's
# survivors at once (docs/performance.md, "settled status"). An environment variable, so an
# operator can set any of them otherwise, e.g. bring C2 back:
#   JDK_JAVA_OPTIONS="-XX:TieredStopAtLevel=4 -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20"
ENV JDK_JAVA_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20"
# ADS over gRPC.
EXPOSE 18000
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-XX:SharedArchiveFile=/opt/paymesh/xds-server.jsa", \
  "-jar", "/opt/paymesh/xds-server.jar"]
CMD ["/etc/paymesh/xds-server.yaml"]
