package io.paymesh.xds.translate;

import static io.paymesh.xds.translate.ProtoValues.adsConfigSource;
import static io.paymesh.xds.translate.ProtoValues.duration;
import static io.paymesh.xds.translate.ProtoValues.socketAddress;
import static io.paymesh.xds.translate.ProtoValues.uint32;

import com.google.common.net.InetAddresses;
import com.google.protobuf.Any;
import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.Http2ProtocolOptions;
import io.envoyproxy.envoy.config.core.v3.Locality;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.RoutingPriority;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SdsSecretConfig;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.extensions.upstreams.http.v3.HttpProtocolOptions;
import io.paymesh.config.model.LoadBalancing;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

/**
 * Translates a service's dependencies into CDS clusters: mTLS EDS clusters for mesh Services, TLS
 * clusters with inline, prioritised endpoints for PaymentProcessors, and (sidecars only) plaintext
 * static clusters to the local app on loopback. Only dependencies get clusters: the CDS scope is
 * the egress allow-list.
 */
final class ClusterTranslator {
  /**
   * HTTP/2 to the upstream, the same for every cluster that asks for it: one instance, packed
   * once (an Any the Gate unpacks keeps its payload, once per instance).
   */
  private static final Any HTTP2_OPTIONS = Any.pack(HttpProtocolOptions.newBuilder()
      .setExplicitHttpConfig(HttpProtocolOptions.ExplicitHttpConfig.newBuilder()
          .setHttp2ProtocolOptions(Http2ProtocolOptions.getDefaultInstance()))
      .build());

  /** An enforcing_* percentage that applies an ejection every time it is detected. */
  private static final int ALWAYS_PERCENT = 100;
  /**
   * Success-rate ejection as Envoy documents its defaults (gRFC A50 has the same ones):
   * judged only while 5 hosts have 100 requests each in an interval, ejecting a host more than
   * 1.9 standard deviations below the mean, every time.
   */
  private static final int SUCCESS_RATE_MINIMUM_HOSTS = 5;
  private static final int SUCCESS_RATE_REQUEST_VOLUME = 100;
  private static final int SUCCESS_RATE_STDEV_FACTOR = 1900;

  private final MtlsTranslator mtls = new MtlsTranslator();

  /** Clusters for {@code service}'s dependencies, plus its local-app clusters when a sidecar. */
  List<Cluster> clusters(
      Map<String, Service> services,
      Map<String, PaymentProcessor> processors,
      Service service,
      ClientFamily client) {
    List<Cluster> clusters = new ArrayList<>();
    for (String dependency : service.spec().dependencies().stream().distinct().toList()) {
      Service target = services.get(dependency);
      PaymentProcessor processor = processors.get(dependency);
      if (target != null) {
        clusters.add(serviceCluster(target, client));
      } else if (processor != null) {
        clusters.add(processorCluster(processor, client));
      }
      // Anything else is a RouteTable host only: it is routed, never connected to directly.
    }
    if (client.form() == ProxyForm.SIDECAR) {
      service.spec().ports().forEach(port -> clusters.add(localAppCluster(port)));
    }
    return clusters;
  }

  /**
   * A mesh service: endpoints come from EDS over ADS, named like the cluster; connections are
   * mTLS that verify the target's exact SPIFFE ID, in the form the proxy reads.
   */
  Cluster serviceCluster(Service target, ClientFamily client) {
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(target.name())
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder().setEdsConfig(adsConfigSource()))
            .setConnectTimeout(duration(XdsNames.SERVICE_CONNECT_TIMEOUT))
            .setLbPolicy(lbPolicy(target.spec().loadBalancing(), client));
    target.spec().circuitBreakers()
        .ifPresent(cb -> cluster.setCircuitBreakers(circuitBreakers(cb)));
    if (client.supports(ClientFeature.OUTLIER_DETECTION)) {
      target.spec().outlierDetection().ifPresent(od -> cluster.setOutlierDetection(outlier(od)));
    }
    boolean grpc =
        target.spec().ports().stream().anyMatch(p -> p.protocol() == Service.Protocol.GRPC);
    if (grpc) {
      putHttp2(cluster);
    }
    cluster.setTransportSocket(
        MtlsTranslator.tlsTransportSocket(mtls.upstream(target, client.form(), grpc)));
    return cluster.build();
  }

  /**
   * A sticky split of Services as one cluster (see {@link StickySplit}): EDS (the endpoints of
   * every side, see EndpointTranslator), ring hash on a ring of fixed size, and mTLS accepting
   * each side's identity. Its limits are those of its sides together: circuit breakers summed,
   * outlier detection the strictest of the sides'. Cluster metadata names the sides, so the Gate
   * can check egress scope and mTLS on the emitted cluster alone.
   */
  Cluster splitCluster(StickySplit split, ClientFamily client) {
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(split.clusterName())
            .setType(Cluster.DiscoveryType.EDS)
            .setEdsClusterConfig(
                Cluster.EdsClusterConfig.newBuilder().setEdsConfig(adsConfigSource()))
            .setConnectTimeout(duration(XdsNames.SERVICE_CONNECT_TIMEOUT))
            .setLbPolicy(Cluster.LbPolicy.RING_HASH)
            .setRingHashLbConfig(
                Cluster.RingHashLbConfig.newBuilder()
                    .setMinimumRingSize(ProtoValues.uint64(XdsNames.STICKY_SPLIT_RING_SIZE))
                    .setMaximumRingSize(ProtoValues.uint64(XdsNames.STICKY_SPLIT_RING_SIZE)))
            .setMetadata(splitMetadata(split));
    List<Service> sides = split.members().stream().map(StickySplit.Member::service).toList();
    summedCircuitBreakers(sides).ifPresent(cluster::setCircuitBreakers);
    if (client.supports(ClientFeature.OUTLIER_DETECTION)) {
      strictestOutlierDetection(sides).ifPresent(cluster::setOutlierDetection);
    }
    boolean grpc = sides.stream().allMatch(s ->
        s.spec().ports().stream().anyMatch(p -> p.protocol() == Service.Protocol.GRPC));
    if (grpc) {
      putHttp2(cluster);
    }
    List<String> identities = sides.stream().map(s -> s.spec().identity()).distinct().toList();
    cluster.setTransportSocket(
        MtlsTranslator.tlsTransportSocket(mtls.upstream(identities, client.form(), grpc)));
    return cluster.build();
  }

  private static Metadata splitMetadata(StickySplit split) {
    ListValue.Builder targets = ListValue.newBuilder();
    split.targetNames().forEach(t -> targets.addValues(Value.newBuilder().setStringValue(t)));
    return Metadata.newBuilder()
        .putFilterMetadata(XdsNames.METADATA_NAMESPACE, Struct.newBuilder()
            .putFields(XdsNames.METADATA_SPLIT_TARGETS,
                Value.newBuilder().setListValue(targets).build())
            .build())
        .build();
  }

  private static Optional<CircuitBreakers> summedCircuitBreakers(List<Service> sides) {
    if (sides.stream().anyMatch(s -> s.spec().circuitBreakers().isEmpty())) {
      // A side without limits: the split as a whole has none either.
      return Optional.empty();
    }
    List<io.paymesh.config.model.CircuitBreakers> all =
        sides.stream().map(s -> s.spec().circuitBreakers().orElseThrow()).toList();
    return Optional.of(circuitBreakers(new io.paymesh.config.model.CircuitBreakers(
        sum(all, io.paymesh.config.model.CircuitBreakers::maxConnections),
        sum(all, io.paymesh.config.model.CircuitBreakers::maxPendingRequests),
        sum(all, io.paymesh.config.model.CircuitBreakers::maxRequests),
        sum(all, io.paymesh.config.model.CircuitBreakers::maxRetries))));
  }

  private static int sum(List<io.paymesh.config.model.CircuitBreakers> all,
      ToIntFunction<io.paymesh.config.model.CircuitBreakers> field) {
    long total = all.stream().mapToLong(field::applyAsInt).sum();
    return (int) Math.min(total, Integer.MAX_VALUE);
  }

  /**
   * Ejects sooner and for longer than any side alone would: a bad host leaves the ring fast. The
   * failure percentage too, when any side has one (lowest threshold, fewest hosts, least volume):
   * for gRPC callers it is the only outlier setting that ejects from a small deployment.
   */
  private static Optional<OutlierDetection> strictestOutlierDetection(List<Service> sides) {
    List<io.paymesh.config.model.OutlierDetection> all = sides.stream()
        .flatMap(s -> s.spec().outlierDetection().stream()).toList();
    if (all.isEmpty()) {
      return Optional.empty();
    }
    List<io.paymesh.config.model.OutlierDetection.FailurePercentage> percentages = all.stream()
        .flatMap(od -> od.failurePercentage().stream()).toList();
    Optional<io.paymesh.config.model.OutlierDetection.FailurePercentage> strictestPercentage =
        percentages.isEmpty() ? Optional.empty() : Optional.of(
            new io.paymesh.config.model.OutlierDetection.FailurePercentage(
                percentages.stream().mapToInt(fp -> fp.threshold()).min().orElseThrow(),
                percentages.stream().mapToInt(fp -> fp.minimumHosts()).min().orElseThrow(),
                percentages.stream().mapToInt(fp -> fp.requestVolume()).min().orElseThrow()));
    return Optional.of(outlier(new io.paymesh.config.model.OutlierDetection(
        all.stream().mapToInt(io.paymesh.config.model.OutlierDetection::consecutive5xx)
            .min().orElseThrow(),
        all.stream().map(io.paymesh.config.model.OutlierDetection::interval)
            .min(Comparator.naturalOrder()).orElseThrow(),
        all.stream().map(io.paymesh.config.model.OutlierDetection::baseEjectionTime)
            .max(Comparator.naturalOrder()).orElseThrow(),
        all.stream().mapToInt(io.paymesh.config.model.OutlierDetection::maxEjectionPercent)
            .max().orElseThrow(),
        strictestPercentage)));
  }

  /**
   * An external PSP: DNS-resolved unless every address is an IP literal; endpoints grouped per
   * (region, priority) so Envoy fails over to priority 1 only when priority 0 is unhealthy.
   */
  Cluster processorCluster(PaymentProcessor processor, ClientFamily client) {
    PaymentProcessor.Spec spec = processor.spec();
    boolean allLiterals =
        spec.endpoints().stream().allMatch(e -> InetAddresses.isInetAddress(e.address()));
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(processor.name())
            .setType(allLiterals ? Cluster.DiscoveryType.STATIC : Cluster.DiscoveryType.STRICT_DNS)
            .setConnectTimeout(duration(spec.connectTimeout()))
            .setLoadAssignment(processorLoadAssignment(processor))
            .setTransportSocket(upstreamTls(spec.tls()));
    spec.circuitBreakers().ifPresent(cb -> cluster.setCircuitBreakers(circuitBreakers(cb)));
    if (client.supports(ClientFeature.OUTLIER_DETECTION)) {
      spec.outlierDetection().ifPresent(od -> cluster.setOutlierDetection(outlier(od)));
    }
    return cluster.build();
  }

  /** The sidecar's hop to its own application on loopback. */
  Cluster localAppCluster(Service.Port port) {
    String name = XdsNames.inbound(port.name());
    Cluster.Builder cluster =
        Cluster.newBuilder()
            .setName(name)
            .setType(Cluster.DiscoveryType.STATIC)
            .setConnectTimeout(duration(XdsNames.SERVICE_CONNECT_TIMEOUT))
            .setLoadAssignment(
                ClusterLoadAssignment.newBuilder()
                    .setClusterName(name)
                    .addEndpoints(
                        LocalityLbEndpoints.newBuilder()
                            .addLbEndpoints(lbEndpoint(XdsNames.LOOPBACK, port.targetPort()))));
    // A gRPC app only speaks HTTP/2; Envoy would otherwise forward as HTTP/1.1.
    if (port.protocol() == Service.Protocol.GRPC) {
      putHttp2(cluster);
    }
    return cluster.build();
  }

  private static ClusterLoadAssignment processorLoadAssignment(PaymentProcessor processor) {
    record Group(int priority, String region) {}
    Map<Group, List<PaymentProcessor.Endpoint>> groups =
        new TreeMap<>(Comparator.comparingInt(Group::priority).thenComparing(Group::region));
    for (PaymentProcessor.Endpoint e : processor.spec().endpoints()) {
      groups.computeIfAbsent(new Group(e.priority(), e.region()), g -> new ArrayList<>())
          .add(e);
    }
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(processor.name());
    groups.forEach(
        (group, endpoints) -> {
          LocalityLbEndpoints.Builder locality =
              LocalityLbEndpoints.newBuilder()
                  .setLocality(Locality.newBuilder().setRegion(group.region()))
                  .setPriority(group.priority())
                  .setLoadBalancingWeight(uint32(1));
          endpoints.forEach(e -> locality.addLbEndpoints(lbEndpoint(e.address(), e.port())));
          cla.addEndpoints(locality);
        });
    return cla.build();
  }

  /**
   * Upstream TLS that verifies the PSP: SNI, the expected DNS SANs, and a CA bundle fetched over
   * SDS by name, so no certificate material is inline in the cluster.
   */
  private static TransportSocket upstreamTls(PaymentProcessor.Tls tls) {
    CertificateValidationContext.Builder validation = CertificateValidationContext.newBuilder();
    for (String san : tls.subjectAltNames()) {
      validation.addMatchTypedSubjectAltNames(
          SubjectAltNameMatcher.newBuilder()
              .setSanType(SubjectAltNameMatcher.SanType.DNS)
              .setMatcher(ProtoValues.exact(san)));
    }
    UpstreamTlsContext context =
        UpstreamTlsContext.newBuilder()
            .setSni(tls.sni())
            .setCommonTlsContext(
                CommonTlsContext.newBuilder()
                    .setCombinedValidationContext(
                        CommonTlsContext.CombinedCertificateValidationContext.newBuilder()
                            .setDefaultValidationContext(validation)
                            .setValidationContextSdsSecretConfig(
                                SdsSecretConfig.newBuilder()
                                    .setName(tls.trustedCaSecret())
                                    .setSdsConfig(adsConfigSource()))))
            .build();
    return MtlsTranslator.tlsTransportSocket(context);
  }

  private static void putHttp2(Cluster.Builder cluster) {
    cluster.putTypedExtensionProtocolOptions(XdsNames.HTTP_PROTOCOL_OPTIONS, HTTP2_OPTIONS);
  }

  private static LbEndpoint lbEndpoint(String address, int port) {
    return LbEndpoint.newBuilder()
        .setEndpoint(
            io.envoyproxy.envoy.config.endpoint.v3.Endpoint.newBuilder()
                .setAddress(socketAddress(address, port)))
        .build();
  }

  /**
   * A family that cannot do least-request or ring hash gets round robin: all three spread calls
   * over every endpoint of one service, and the choice between them touches no payment
   * invariant (a sticky split does not depend on it: see SplitClusters).
   */
  private static Cluster.LbPolicy lbPolicy(LoadBalancing lb, ClientFamily client) {
    switch (lb) {
      case ROUND_ROBIN:
        return Cluster.LbPolicy.ROUND_ROBIN;
      case LEAST_REQUEST:
        return client.supports(ClientFeature.LEAST_REQUEST_LB)
            ? Cluster.LbPolicy.LEAST_REQUEST
            : Cluster.LbPolicy.ROUND_ROBIN;
      case RING_HASH:
        return client.supports(ClientFeature.RING_HASH_LB)
            ? Cluster.LbPolicy.RING_HASH
            : Cluster.LbPolicy.ROUND_ROBIN;
    }
    throw new AssertionError("unknown load balancing " + lb);
  }

  private static CircuitBreakers circuitBreakers(io.paymesh.config.model.CircuitBreakers cb) {
    return CircuitBreakers.newBuilder()
        .addThresholds(
            CircuitBreakers.Thresholds.newBuilder()
                .setPriority(RoutingPriority.DEFAULT)
                .setMaxConnections(uint32(cb.maxConnections()))
                .setMaxPendingRequests(uint32(cb.maxPendingRequests()))
                .setMaxRequests(uint32(cb.maxRequests()))
                .setMaxRetries(uint32(cb.maxRetries())))
        .build();
  }

  /**
   * Envoy ejects on consecutive 5xx; gRPC clients ignore that field (gRFC A50) and eject only by
   * success rate or failure percentage. Failure percentage ejection, when the policy asks for it,
   * is enforced always (enforcing_failure_percentage 100): Envoy's default would be 0, i.e. off.
   *
   * <p>Success-rate ejection is on whenever outlier detection is, and its fields are sent set to
   * their defaults. grpc-js-xds 1.14 copies each unset success_rate_* field over its own default
   * as undefined: with minimum hosts undefined its success-rate check ran with no candidates and
   * the process died at the first interval (TypeError "Reduce of empty array with no initial
   * value"); with request volume, stdev factor or enforcement undefined, success-rate ejection
   * would never apply there. Set, they give grpc-js what Envoy, grpc-java and C-core already do.
   */
  private static OutlierDetection outlier(io.paymesh.config.model.OutlierDetection od) {
    OutlierDetection.Builder outlier =
        OutlierDetection.newBuilder()
            .setConsecutive5Xx(uint32(od.consecutive5xx()))
            .setInterval(duration(od.interval()))
            .setBaseEjectionTime(duration(od.baseEjectionTime()))
            .setMaxEjectionPercent(uint32(od.maxEjectionPercent()))
            .setEnforcingSuccessRate(uint32(ALWAYS_PERCENT))
            .setSuccessRateMinimumHosts(uint32(SUCCESS_RATE_MINIMUM_HOSTS))
            .setSuccessRateRequestVolume(uint32(SUCCESS_RATE_REQUEST_VOLUME))
            .setSuccessRateStdevFactor(uint32(SUCCESS_RATE_STDEV_FACTOR));
    od.failurePercentage().ifPresent(
        fp -> outlier
            .setFailurePercentageThreshold(uint32(fp.threshold()))
            .setEnforcingFailurePercentage(uint32(ALWAYS_PERCENT))
            .setFailurePercentageMinimumHosts(uint32(fp.minimumHosts()))
            .setFailurePercentageRequestVolume(uint32(fp.requestVolume())));
    return outlier.build();
  }
}
