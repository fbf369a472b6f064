package io.paymesh.xds.load;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.controlplane.cache.Resources;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.BuildVersion;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.type.v3.SemanticVersion;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One simulated Envoy on a state-of-the-world ADS stream: it subscribes as Envoy does (clusters
 * and listeners by wildcard, then the endpoints of its EDS clusters and the route configurations
 * its listeners name), ACKs every response at once, and records when each type first had a
 * version ACKed and when its latest response arrived, so the load tool can measure initial config
 * time, change latency and pushes per stream. It never NACKs: a config it cannot read is counted.
 * Protocol tests use it too, to see which types a change pushes.
 */
public final class SimulatedEnvoy {
  public static final String LDS = Resources.V3.LISTENER_TYPE_URL;
  public static final String RDS = Resources.V3.ROUTE_TYPE_URL;
  public static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  public static final String EDS = Resources.V3.ENDPOINT_TYPE_URL;
  static final List<String> TYPES = List.of(CDS, EDS, LDS, RDS);

  private final Node node;
  private final StreamTally tally;
  private final Map<String, Long> firstAckNanos = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> responses = new ConcurrentHashMap<>();
  private final AtomicLong lastResponseNanos = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final AtomicInteger unreadable = new AtomicInteger();
  private final long openedNanos;
  private StreamObserver<DiscoveryRequest> requests;
  // Written and read only by the gRPC callbacks of this stream, which are serialized.
  private boolean settled;
  // Written by the gRPC callbacks of this stream (serialized), read by the load tool.
  private volatile Set<String> edsNames = Set.of();
  private volatile Set<String> rdsNames = Set.of();

  private SimulatedEnvoy(String nodeId, String service, StreamTally tally) {
    this.tally = tally;
    this.node = Node.newBuilder()
        .setId(nodeId)
        .setCluster(service)
        .setUserAgentName("envoy")
        .setUserAgentBuildVersion(BuildVersion.newBuilder()
            .setVersion(SemanticVersion.newBuilder().setMajorNumber(1).setMinorNumber(32)))
        .build();
    this.openedNanos = System.nanoTime();
    TYPES.forEach(t -> responses.put(t, new AtomicInteger()));
  }

  /** Opens the stream and subscribes to clusters and listeners. */
  public static SimulatedEnvoy connect(Channel channel, String nodeId, String service) {
    return connect(channel, nodeId, service, new StreamTally());
  }

  /** {@link #connect}, counting what the stream receives in {@code tally} too. */
  static SimulatedEnvoy connect(Channel channel, String nodeId, String service,
      StreamTally tally) {
    SimulatedEnvoy envoy = new SimulatedEnvoy(nodeId, service, tally);
    envoy.requests = AggregatedDiscoveryServiceGrpc.newStub(channel)
        .streamAggregatedResources(envoy.new Responses());
    synchronized (envoy) {
      envoy.requests.onNext(envoy.request(CDS, List.of(), "", ""));
      envoy.requests.onNext(envoy.request(LDS, List.of(), "", ""));
    }
    return envoy;
  }

  /** Every request carries the node, as Envoy's does unless set_node_on_first_message_only. */
  private DiscoveryRequest request(String type, Iterable<String> names, String version,
      String nonce) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(type)
        .addAllResourceNames(names)
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .build();
  }

  private final class Responses implements StreamObserver<DiscoveryResponse> {
    @Override
    public void onNext(DiscoveryResponse response) {
      long now = System.nanoTime();
      String type = response.getTypeUrl();
      lastResponseNanos.set(now);
      responses.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
      tally.responded(now);
      Set<String> subscribe = null;
      if (type.equals(CDS)) {
        Set<String> names = edsClusterNames(response);
        if (!names.equals(edsNames)) {
          edsNames = names;
          subscribe = names;
        }
      } else if (type.equals(LDS)) {
        Set<String> names = routeConfigNames(response);
        if (!names.equals(rdsNames)) {
          rdsNames = names;
          subscribe = names;
        }
      }
      Iterable<String> acked = type.equals(EDS) ? edsNames
          : type.equals(RDS) ? rdsNames : List.of();
      synchronized (SimulatedEnvoy.this) {
        requests.onNext(request(type, acked, response.getVersionInfo(), response.getNonce()));
        if (subscribe != null) {
          // As Envoy: CDS before EDS, LDS before RDS; the new names are a new subscription.
          String next = type.equals(CDS) ? EDS : RDS;
          requests.onNext(request(next, subscribe, "", ""));
        }
      }
      firstAckNanos.putIfAbsent(type, System.nanoTime());
      if (initialConfigAcked()) {
        settle();
      }
    }

    @Override
    public void onError(Throwable t) {
      failed(t);
    }

    @Override
    public void onCompleted() {
      failed(new IllegalStateException("the server ended the stream"));
    }

    private void failed(Throwable t) {
      failure.compareAndSet(null, t);
      settle();
    }

    private void settle() {
      if (!settled) {
        settled = true;
        tally.settled();
      }
    }
  }

  private Set<String> edsClusterNames(DiscoveryResponse response) {
    Set<String> names = new TreeSet<>();
    for (Any any : response.getResourcesList()) {
      try {
        Cluster cluster = any.unpack(Cluster.class);
        if (cluster.getType() == Cluster.DiscoveryType.EDS) {
          String service = cluster.getEdsClusterConfig().getServiceName();
          names.add(service.isEmpty() ? cluster.getName() : service);
        }
      } catch (InvalidProtocolBufferException e) {
        unreadable.incrementAndGet();
      }
    }
    return names;
  }

  private Set<String> routeConfigNames(DiscoveryResponse response) {
    Set<String> names = new TreeSet<>();
    for (Any any : response.getResourcesList()) {
      try {
        Listener listener = any.unpack(Listener.class);
        for (FilterChain chain : listener.getFilterChainsList()) {
          for (Filter filter : chain.getFiltersList()) {
            if (filter.getTypedConfig().is(HttpConnectionManager.class)) {
              HttpConnectionManager hcm = filter.getTypedConfig().unpack(HttpConnectionManager.class);
              if (hcm.hasRds()) {
                names.add(hcm.getRds().getRouteConfigName());
              }
            }
          }
        }
      } catch (InvalidProtocolBufferException e) {
        unreadable.incrementAndGet();
      }
    }
    return names;
  }

  /** Whether every type this proxy subscribes to has had a response ACKed. */
  public boolean initialConfigAcked() {
    return firstAckNanos.containsKey(CDS) && firstAckNanos.containsKey(LDS)
        && (edsNames.isEmpty() || firstAckNanos.containsKey(EDS))
        && (rdsNames.isEmpty() || firstAckNanos.containsKey(RDS));
  }

  /** Nanos from opening the stream until every subscribed type was ACKed. */
  long initialConfigNanos() {
    return firstAckNanos.values().stream().mapToLong(Long::longValue).max().orElseThrow()
        - openedNanos;
  }

  public int responses(String type) {
    return responses.get(type).get();
  }

  int totalResponses() {
    return responses.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  long lastResponseNanos() {
    return lastResponseNanos.get();
  }

  public Throwable failure() {
    return failure.get();
  }

  int unreadable() {
    return unreadable.get();
  }

  String nodeId() {
    return node.getId();
  }

  void close() {
    synchronized (this) {
      requests.onCompleted();
    }
  }
}
