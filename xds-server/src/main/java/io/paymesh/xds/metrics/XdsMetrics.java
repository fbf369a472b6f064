package io.paymesh.xds.metrics;

import com.codahale.metrics.MetricRegistry;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Every metric of one xds-server replica, in one place: the Prometheus registry its
 * {@code /metrics} endpoint serves (docs/xds-server.md, "Metrics", lists them all) and the
 * Dropwizard counters JMX has exported since before Prometheus (their names are kept, so
 * nothing that reads them breaks). Pipeline steps report what happened ({@link #nacked}), not
 * which registry to update, so the two cannot drift apart.
 */
public final class XdsMetrics {
  /** Label of the xDS resource type: Istio's short names, so dashboards read alike. */
  static final String TYPE = "type";
  static final Map<String, String> TYPE_LABELS = Map.of(
      Resources.V3.CLUSTER_TYPE_URL, "cds",
      Resources.V3.ENDPOINT_TYPE_URL, "eds",
      Resources.V3.LISTENER_TYPE_URL, "lds",
      Resources.V3.ROUTE_TYPE_URL, "rds",
      Resources.V3.SECRET_TYPE_URL, "sds");
  /** Any other type URL: a client chooses type URLs, so they must not become label values. */
  static final String OTHER_TYPE = "other";
  /**
   * From a millisecond to half a minute: a change converges in tens of milliseconds when all is
   * well (issue 11's target) and in seconds when it is not.
   */
  /** JMX names of the damaged-document gauges (docs/xds-server.md, "Damaged documents"). */
  public static final String JMX_DAMAGED = "xds.policy.damaged";
  public static final String JMX_NOTHING_KEPT = "xds.policy.damaged.nothing-kept";
  private static final double[] SECONDS_BUCKETS = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  /**
   * JVM and process metrics, registered once per process: they describe the process, not a
   * replica, and the client library keeps every registry it registers them with for good.
   */
  private static final PrometheusRegistry PROCESS = processMetrics();

  private final MetricRegistry dropwizard;
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private final com.codahale.metrics.Counter jmxAcks;
  private final com.codahale.metrics.Counter jmxNacks;
  private final com.codahale.metrics.Counter jmxRefused;
  private final com.codahale.metrics.Counter jmxPublished;
  private final com.codahale.metrics.Counter jmxRejected;

  private final Counter pushes;
  private final Counter acks;
  private final Counter nacks;
  private final Counter refused;
  private final Counter published;
  private final Counter gateRejections;
  private final Histogram rebuild;
  private final ConvergenceTracker convergence;

  /**
   * @param dropwizard the registry JMX exports; the counters it had before Prometheus keep their
   *     names there
   */
  public XdsMetrics(MetricRegistry dropwizard) {
    this.dropwizard = dropwizard;
    this.jmxAcks = dropwizard.counter("xds.acks");
    this.jmxNacks = dropwizard.counter("xds.nacks");
    this.jmxRefused = dropwizard.counter("xds.streams.refused");
    this.jmxPublished = dropwizard.counter("xds.snapshots.published");
    this.jmxRejected = dropwizard.counter("xds.gate.rejections");

    this.pushes = Counter.builder().name("paymesh_xds_pushes")
        .help("xDS responses sent on ADS streams, by resource type")
        .labelNames(TYPE).register(registry);
    this.acks = Counter.builder().name("paymesh_xds_acks")
        .help("ACKs received: a client accepted a response, by resource type")
        .labelNames(TYPE).register(registry);
    this.nacks = Counter.builder().name("paymesh_xds_nacks")
        .help("NACKs received: a client rejected a response, by resource type")
        .labelNames(TYPE).register(registry);
    this.refused = Counter.builder().name("paymesh_xds_streams_refused")
        .help("ADS streams closed by the server: unauthenticated, over a limit, or node changed")
        .register(registry);
    this.published = Counter.builder().name("paymesh_xds_snapshots_published")
        .help("Group snapshots handed to the cache with a new version")
        .register(registry);
    this.gateRejections = Counter.builder().name("paymesh_xds_gate_rejections")
        .help("Group configs the Gate refused; the group keeps serving its last good config")
        .register(registry);
    this.rebuild = Histogram.builder().name("paymesh_xds_policy_rebuild_seconds")
        .help("Per policy change, time spent translating (phase=translate) and checking "
            + "(phase=gate) the groups it rebuilds")
        .unit(Unit.SECONDS).labelNames("phase")
        .classicOnly().classicUpperBounds(SECONDS_BUCKETS).withoutExemplars()
        .register(registry);
    Histogram convergenceSeconds = Histogram.builder()
        .name("paymesh_xds_proxy_convergence_seconds")
        .help("From the start of the publish of a policy revision to the ACK, by each ADS stream "
            + "it changed, of the version that revision produced; by resource type")
        .unit(Unit.SECONDS).labelNames(TYPE)
        .classicOnly().classicUpperBounds(SECONDS_BUCKETS).withoutExemplars()
        .register(registry);
    this.convergence = new ConvergenceTracker(
        (typeUrl, seconds) -> convergenceSeconds.labelValues(typeLabel(typeUrl)).observe(seconds),
        System::nanoTime);
    MultiCollector process = PROCESS::scrape;
    registry.register(process);
  }

  private static PrometheusRegistry processMetrics() {
    PrometheusRegistry process = new PrometheusRegistry();
    JvmMetrics.builder().register(process);
    return process;
  }

  /** A registry of its own, for parts used without a replica (tests, benchmarks, tools). */
  public static XdsMetrics standalone() {
    return new XdsMetrics(new MetricRegistry());
  }

  /** What the {@code /metrics} endpoint serves. */
  public PrometheusRegistry registry() {
    return registry;
  }

  /** What JMX exports (and what existing callers of {@code XdsServer.metrics()} read). */
  public MetricRegistry dropwizard() {
    return dropwizard;
  }

  public ConvergenceTracker convergence() {
    return convergence;
  }

  /**
   * Counts open ADS streams by group. The supplier is asked at each scrape, so a closed stream
   * can never be left counted; its map holds the streams of each group.
   */
  public void countConnectedProxies(Supplier<Map<ProxyGroup, Long>> streamsByGroup) {
    GaugeWithCallback.builder().name("paymesh_xds_connected_proxies")
        .help("Open ADS streams whose node is known, by service (the group) and client family")
        .labelNames("service", "client")
        .callback(callback -> streamsByGroup.get().forEach((group, streams) ->
            callback.call(streams, group.service(), clientLabel(group.client()))))
        .register(registry);
  }

  /**
   * Gauges of the damaged documents in the policy served now: all of them, and those with no
   * last good version (left out of every config). Read at each scrape and JMX read.
   */
  public void countDamagedDocuments(IntSupplier damaged, IntSupplier nothingKept) {
    dropwizard.register(JMX_DAMAGED, (com.codahale.metrics.Gauge<Integer>) damaged::getAsInt);
    dropwizard.register(JMX_NOTHING_KEPT,
        (com.codahale.metrics.Gauge<Integer>) nothingKept::getAsInt);
    GaugeWithCallback.builder().name("paymesh_xds_policy_damaged_documents")
        .help("Documents in etcd that no longer decode or validate, in the policy served now")
        .callback(callback -> callback.call(damaged.getAsInt()))
        .register(registry);
    GaugeWithCallback.builder().name("paymesh_xds_policy_damaged_documents_nothing_kept")
        .help("Damaged documents with no last good version: left out of every proxy's config")
        .callback(callback -> callback.call(nothingKept.getAsInt()))
        .register(registry);
  }

  public void pushed(String typeUrl) {
    pushes.labelValues(typeLabel(typeUrl)).inc();
  }

  public void acked(String typeUrl) {
    jmxAcks.inc();
    acks.labelValues(typeLabel(typeUrl)).inc();
  }

  public void nacked(String typeUrl) {
    jmxNacks.inc();
    nacks.labelValues(typeLabel(typeUrl)).inc();
  }

  public void streamRefused() {
    jmxRefused.inc();
    refused.inc();
  }

  public void snapshotPublished() {
    jmxPublished.inc();
    published.inc();
  }

  public void gateRejected() {
    jmxRejected.inc();
    gateRejections.inc();
  }

  /** One policy change's translation and Gate time, summed over the groups it rebuilt. */
  public void rebuilt(long translateNanos, long gateNanos) {
    rebuild.labelValues("translate").observe(translateNanos / 1e9);
    rebuild.labelValues("gate").observe(gateNanos / 1e9);
  }

  static String typeLabel(String typeUrl) {
    return TYPE_LABELS.getOrDefault(typeUrl, OTHER_TYPE);
  }

  static String clientLabel(ClientFamily family) {
    return family.name().toLowerCase(Locale.ROOT);
  }
}
