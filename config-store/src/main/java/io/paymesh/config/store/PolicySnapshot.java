package io.paymesh.config.store;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PaymentProcessor;
import io.paymesh.config.model.PeerAuthentication;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.RateLimitPolicy;
import io.paymesh.config.model.RequestAuthentication;
import io.paymesh.config.model.RouteTable;
import io.paymesh.config.model.Service;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The whole valid policy and endpoint registry as read from etcd at one revision (damaged
 * documents replaced by their last good version where one is known, and listed in
 * {@link #rejected()}). Immutable; maps
 * are sorted by name so everything derived from a snapshot is deterministic.
 */
public final class PolicySnapshot {
  private final long revision;
  private final SortedMap<String, Service> services;
  private final SortedMap<String, PaymentProcessor> processors;
  private final SortedMap<String, RouteTable> routeTables;
  private final SortedMap<String, AuthorizationPolicy> authorizationPolicies;
  private final SortedMap<String, PeerAuthentication> peerAuthentications;
  private final SortedMap<String, RequestAuthentication> requestAuthentications;
  private final SortedMap<String, RateLimitPolicy> rateLimitPolicies;
  private final SortedMap<String, Gateway> gateways;
  private final SortedMap<String, List<Endpoint>> endpoints;
  private final List<RejectedDocument> rejected;
  /** Lookups by host and by service, built once: translation asks for them per dependency. */
  private final Map<String, RouteTable> routeTablesByHost;
  private final Map<String, List<AuthorizationPolicy>> authorizationPoliciesByService;
  private final Map<String, List<PeerAuthentication>> peerAuthenticationsByService;
  private final Map<String, List<RateLimitPolicy>> rateLimitPoliciesByService;
  private final Map<String, List<RequestAuthentication>> requestAuthenticationsByService;
  private final Map<String, List<Gateway>> gatewaysByService;
  /** Every header a Gateway marks sensitive, lower case, built once (see {@link #sensitiveHeaders}). */
  private final SortedSet<String> sensitiveHeaders;
  /** Where a {@link #recording} view records its reads; null for the snapshot itself. */
  private final ReadLog reads;

  private PolicySnapshot(Builder b) {
    this.revision = b.revision;
    this.services = Collections.unmodifiableSortedMap(new TreeMap<>(b.services));
    this.processors = Collections.unmodifiableSortedMap(new TreeMap<>(b.processors));
    this.routeTables = Collections.unmodifiableSortedMap(new TreeMap<>(b.routeTables));
    this.authorizationPolicies =
        Collections.unmodifiableSortedMap(new TreeMap<>(b.authorizationPolicies));
    this.peerAuthentications =
        Collections.unmodifiableSortedMap(new TreeMap<>(b.peerAuthentications));
    this.requestAuthentications =
        Collections.unmodifiableSortedMap(new TreeMap<>(b.requestAuthentications));
    this.rateLimitPolicies = Collections.unmodifiableSortedMap(new TreeMap<>(b.rateLimitPolicies));
    this.gateways = Collections.unmodifiableSortedMap(new TreeMap<>(b.gateways));
    TreeMap<String, List<Endpoint>> eps = new TreeMap<>();
    b.endpoints.forEach(
        (service, list) -> {
          List<Endpoint> sorted = new ArrayList<>(list);
          sorted.sort((x, y) -> x.id().compareTo(y.id()));
          eps.put(service, List.copyOf(sorted));
        });
    this.endpoints = Collections.unmodifiableSortedMap(eps);
    this.rejected = List.copyOf(b.rejected);
    Map<String, RouteTable> byHost = new HashMap<>();
    // Of two tables for one host, the first in name order is the one translation uses.
    routeTables.values().forEach(t -> byHost.putIfAbsent(t.spec().host(), t));
    this.routeTablesByHost = Map.copyOf(byHost);
    this.authorizationPoliciesByService =
        byService(authorizationPolicies, p -> p.spec().service());
    this.peerAuthenticationsByService = byService(peerAuthentications, p -> p.spec().service());
    this.rateLimitPoliciesByService = byService(rateLimitPolicies, r -> r.spec().service());
    this.requestAuthenticationsByService =
        byService(requestAuthentications, r -> r.spec().service());
    this.gatewaysByService = byService(gateways, g -> g.spec().service());
    TreeSet<String> sensitive = new TreeSet<>();
    gateways.values().forEach(g -> g.spec().sensitiveHeaders()
        .forEach(h -> sensitive.add(h.toLowerCase(Locale.ROOT))));
    this.sensitiveHeaders = Collections.unmodifiableSortedSet(sensitive);
    this.reads = null;
  }

  /** The documents of each service, in name order. */
  private static <T> Map<String, List<T>> byService(
      SortedMap<String, T> documents, Function<T, String> service) {
    Map<String, List<T>> grouped = new HashMap<>();
    documents.values().forEach(
        d -> grouped.computeIfAbsent(service.apply(d), k -> new ArrayList<>()).add(d));
    Map<String, List<T>> frozen = new HashMap<>();
    grouped.forEach((key, list) -> frozen.put(key, List.copyOf(list)));
    return Map.copyOf(frozen);
  }

  /** A view of {@code source} sharing its (immutable) content and recording reads in {@code log}. */
  private PolicySnapshot(PolicySnapshot source, ReadLog log) {
    this.revision = source.revision;
    this.services = source.services;
    this.processors = source.processors;
    this.routeTables = source.routeTables;
    this.authorizationPolicies = source.authorizationPolicies;
    this.peerAuthentications = source.peerAuthentications;
    this.requestAuthentications = source.requestAuthentications;
    this.rateLimitPolicies = source.rateLimitPolicies;
    this.gateways = source.gateways;
    this.endpoints = source.endpoints;
    this.rejected = source.rejected;
    this.routeTablesByHost = source.routeTablesByHost;
    this.authorizationPoliciesByService = source.authorizationPoliciesByService;
    this.peerAuthenticationsByService = source.peerAuthenticationsByService;
    this.rateLimitPoliciesByService = source.rateLimitPoliciesByService;
    this.requestAuthenticationsByService = source.requestAuthenticationsByService;
    this.gatewaysByService = source.gatewaysByService;
    this.sensitiveHeaders = source.sensitiveHeaders;
    this.reads = log;
  }

  /**
   * This snapshot, with every read of it recorded in {@code log}: what a translation depended
   * on, so a later snapshot that changes none of it need not be translated again.
   */
  public PolicySnapshot recording(ReadLog log) {
    return new PolicySnapshot(this, Objects.requireNonNull(log, "log"));
  }

  private <V> SortedMap<String, V> read(SortedMap<String, V> map, PolicyInput input) {
    return reads == null ? map : new RecordingSortedMap<>(map, reads, input);
  }

  private void recordAll(PolicyInput input) {
    if (reads != null) {
      reads.readAll(input);
    }
  }

  private void record(PolicyInput input, String name) {
    if (reads != null) {
      reads.read(input, name);
    }
  }

  public static PolicySnapshot empty() {
    return builder(0).build();
  }

  public static Builder builder(long revision) {
    return new Builder(revision);
  }

  /** The etcd revision this snapshot was read at. */
  public long revision() {
    recordAll(PolicyInput.REVISION);
    return revision;
  }

  public SortedMap<String, Service> services() {
    return read(services, PolicyInput.SERVICE);
  }

  public SortedMap<String, PaymentProcessor> processors() {
    return read(processors, PolicyInput.PROCESSOR);
  }

  public SortedMap<String, RouteTable> routeTables() {
    return read(routeTables, PolicyInput.ROUTE_TABLE);
  }

  public SortedMap<String, AuthorizationPolicy> authorizationPolicies() {
    return read(authorizationPolicies, PolicyInput.AUTHORIZATION_POLICY);
  }

  public SortedMap<String, PeerAuthentication> peerAuthentications() {
    return read(peerAuthentications, PolicyInput.PEER_AUTHENTICATION);
  }

  public SortedMap<String, RequestAuthentication> requestAuthentications() {
    return read(requestAuthentications, PolicyInput.REQUEST_AUTHENTICATION);
  }

  public SortedMap<String, RateLimitPolicy> rateLimitPolicies() {
    return read(rateLimitPolicies, PolicyInput.RATE_LIMIT_POLICY);
  }

  public SortedMap<String, Gateway> gateways() {
    return read(gateways, PolicyInput.GATEWAY);
  }

  /** Registered instances per service, each list sorted by instance id. */
  public SortedMap<String, List<Endpoint>> endpoints() {
    return read(endpoints, PolicyInput.ENDPOINTS);
  }

  public List<Endpoint> endpointsOf(String service) {
    record(PolicyInput.ENDPOINTS, service);
    return endpoints.getOrDefault(service, List.of());
  }

  /** The route table whose {@code host} is the given one, if any. */
  public Optional<RouteTable> routeTableForHost(String host) {
    record(PolicyInput.ROUTE_TABLE_FOR_HOST, host);
    return Optional.ofNullable(routeTablesByHost.get(host));
  }

  /** The AuthorizationPolicies that protect {@code service}, sorted by name. */
  public List<AuthorizationPolicy> authorizationPoliciesFor(String service) {
    record(PolicyInput.AUTHORIZATION_POLICIES_FOR_SERVICE, service);
    return authorizationPoliciesByService.getOrDefault(service, List.of());
  }

  /** The PeerAuthentications of {@code service}, sorted by name. */
  public List<PeerAuthentication> peerAuthenticationsFor(String service) {
    record(PolicyInput.PEER_AUTHENTICATIONS_FOR_SERVICE, service);
    return peerAuthenticationsByService.getOrDefault(service, List.of());
  }

  /** The RateLimitPolicies of {@code service}, sorted by name. */
  public List<RateLimitPolicy> rateLimitPoliciesFor(String service) {
    record(PolicyInput.RATE_LIMIT_POLICIES_FOR_SERVICE, service);
    return rateLimitPoliciesByService.getOrDefault(service, List.of());
  }

  /** The RequestAuthentications of {@code service}, sorted by name. */
  public List<RequestAuthentication> requestAuthenticationsFor(String service) {
    record(PolicyInput.REQUEST_AUTHENTICATIONS_FOR_SERVICE, service);
    return requestAuthenticationsByService.getOrDefault(service, List.of());
  }

  /**
   * The Gateways served by the proxies of {@code service}, sorted by name. Recorded by service, so
   * a Gateway naming a service rebuilds that service's groups, and no other.
   */
  public List<Gateway> gatewaysFor(String service) {
    record(PolicyInput.GATEWAYS_FOR_SERVICE, service);
    return gatewaysByService.getOrDefault(service, List.of());
  }

  /**
   * The headers no access log of the mesh may read: those every Gateway marks sensitive, lower
   * case. Mesh-wide (what the edge receives travels on to the backends), so every group's check
   * reads it; recorded as an input of its own, so only a change of the set itself, not any
   * Gateway write, rebuilds every group.
   */
  public SortedSet<String> sensitiveHeaders() {
    recordAll(PolicyInput.SENSITIVE_HEADERS);
    return sensitiveHeaders;
  }

  /**
   * Damaged documents: present in etcd but invalid. Each one's last good version, when known, is
   * among this snapshot's documents in its place ({@link RejectedDocument#keptModRevision}).
   */
  public List<RejectedDocument> rejected() {
    recordAll(PolicyInput.REJECTED);
    return rejected;
  }

  /** Every valid document, in kind then name order. */
  public List<PolicyResource> resources() {
    for (PolicyInput input : PolicyInput.values()) {
      recordAll(input);
    }
    List<PolicyResource> all = new ArrayList<>();
    all.addAll(services.values());
    all.addAll(processors.values());
    all.addAll(routeTables.values());
    all.addAll(authorizationPolicies.values());
    all.addAll(peerAuthentications.values());
    all.addAll(requestAuthentications.values());
    all.addAll(rateLimitPolicies.values());
    all.addAll(gateways.values());
    return List.copyOf(all);
  }

  /** Same content, ignoring the revision: an unrelated etcd write does not count as a change. */
  public boolean sameContentAs(PolicySnapshot other) {
    return services.equals(other.services)
        && processors.equals(other.processors)
        && routeTables.equals(other.routeTables)
        && authorizationPolicies.equals(other.authorizationPolicies)
        && peerAuthentications.equals(other.peerAuthentications)
        && requestAuthentications.equals(other.requestAuthentications)
        && rateLimitPolicies.equals(other.rateLimitPolicies)
        && gateways.equals(other.gateways)
        && endpoints.equals(other.endpoints)
        && rejected.equals(other.rejected);
  }

  @Override
  public String toString() {
    return "PolicySnapshot{revision=" + revision + ", resources=" + resources().size()
        + ", endpoints=" + endpoints.values().stream().mapToInt(List::size).sum()
        + ", rejected=" + rejected.size() + "}";
  }

  /** Collects documents; later additions of the same key replace earlier ones. */
  public static final class Builder {
    private final long revision;
    private final Map<String, Service> services = new TreeMap<>();
    private final Map<String, PaymentProcessor> processors = new TreeMap<>();
    private final Map<String, RouteTable> routeTables = new TreeMap<>();
    private final Map<String, AuthorizationPolicy> authorizationPolicies = new TreeMap<>();
    private final Map<String, PeerAuthentication> peerAuthentications = new TreeMap<>();
    private final Map<String, RequestAuthentication> requestAuthentications = new TreeMap<>();
    private final Map<String, RateLimitPolicy> rateLimitPolicies = new TreeMap<>();
    private final Map<String, Gateway> gateways = new TreeMap<>();
    private final Map<String, List<Endpoint>> endpoints = new TreeMap<>();
    private final List<RejectedDocument> rejected = new ArrayList<>();

    private Builder(long revision) {
      this.revision = revision;
    }

    public Builder add(PolicyResource resource) {
      // Pattern switches are not available in Java 17, so switch on the kind. A switch statement is
      // not checked for exhaustiveness; PolicySnapshotTest adds one document of every Kind.
      switch (resource.kind()) {
        case SERVICE -> services.put(resource.name(), (Service) resource);
        case PAYMENT_PROCESSOR -> processors.put(resource.name(), (PaymentProcessor) resource);
        case ROUTE_TABLE -> routeTables.put(resource.name(), (RouteTable) resource);
        case AUTHORIZATION_POLICY ->
            authorizationPolicies.put(resource.name(), (AuthorizationPolicy) resource);
        case PEER_AUTHENTICATION ->
            peerAuthentications.put(resource.name(), (PeerAuthentication) resource);
        case REQUEST_AUTHENTICATION ->
            requestAuthentications.put(resource.name(), (RequestAuthentication) resource);
        case RATE_LIMIT_POLICY ->
            rateLimitPolicies.put(resource.name(), (RateLimitPolicy) resource);
        case GATEWAY -> gateways.put(resource.name(), (Gateway) resource);
        default -> throw new AssertionError(resource.kind());
      }
      return this;
    }

    public Builder addAll(Collection<? extends PolicyResource> resources) {
      resources.forEach(this::add);
      return this;
    }

    public Builder addEndpoint(Endpoint endpoint) {
      endpoints.computeIfAbsent(endpoint.service(), s -> new ArrayList<>()).add(endpoint);
      return this;
    }

    public Builder reject(RejectedDocument document) {
      rejected.add(document);
      return this;
    }

    public PolicySnapshot build() {
      return new PolicySnapshot(this);
    }
  }
}
