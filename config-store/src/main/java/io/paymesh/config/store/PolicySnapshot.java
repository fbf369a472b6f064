package io.paymesh.config.store;

import io.paymesh.config.model.AuthorizationPolicy;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.Kind;
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
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
    // A kind the builder did not change keeps its base's map and lookups (the same instances),
    // so a change of one RouteTable neither copies nor re-indexes the other 5,000 entries, and
    // comparing with the base finds the unchanged kinds equal by identity.
    PolicySnapshot base = b.base;
    this.revision = b.revision;
    this.services = b.unchanged(Kind.SERVICE) ? base.services : frozen(b.services);
    this.processors = b.unchanged(Kind.PAYMENT_PROCESSOR) ? base.processors : frozen(b.processors);
    if (b.unchanged(Kind.ROUTE_TABLE)) {
      this.routeTables = base.routeTables;
      this.routeTablesByHost = base.routeTablesByHost;
    } else {
      this.routeTables = frozen(b.routeTables);
      Map<String, RouteTable> byHost = new HashMap<>();
      // Of two tables for one host, the first in name order is the one translation uses.
      routeTables.values().forEach(t -> byHost.putIfAbsent(t.spec().host(), t));
      this.routeTablesByHost = Map.copyOf(byHost);
    }
    if (b.unchanged(Kind.AUTHORIZATION_POLICY)) {
      this.authorizationPolicies = base.authorizationPolicies;
      this.authorizationPoliciesByService = base.authorizationPoliciesByService;
    } else {
      this.authorizationPolicies = frozen(b.authorizationPolicies);
      this.authorizationPoliciesByService =
          byService(authorizationPolicies, p -> p.spec().service());
    }
    if (b.unchanged(Kind.PEER_AUTHENTICATION)) {
      this.peerAuthentications = base.peerAuthentications;
      this.peerAuthenticationsByService = base.peerAuthenticationsByService;
    } else {
      this.peerAuthentications = frozen(b.peerAuthentications);
      this.peerAuthenticationsByService = byService(peerAuthentications, p -> p.spec().service());
    }
    if (b.unchanged(Kind.REQUEST_AUTHENTICATION)) {
      this.requestAuthentications = base.requestAuthentications;
      this.requestAuthenticationsByService = base.requestAuthenticationsByService;
    } else {
      this.requestAuthentications = frozen(b.requestAuthentications);
      this.requestAuthenticationsByService =
          byService(requestAuthentications, r -> r.spec().service());
    }
    if (b.unchanged(Kind.RATE_LIMIT_POLICY)) {
      this.rateLimitPolicies = base.rateLimitPolicies;
      this.rateLimitPoliciesByService = base.rateLimitPoliciesByService;
    } else {
      this.rateLimitPolicies = frozen(b.rateLimitPolicies);
      this.rateLimitPoliciesByService = byService(rateLimitPolicies, r -> r.spec().service());
    }
    if (b.unchanged(Kind.GATEWAY)) {
      this.gateways = base.gateways;
      this.gatewaysByService = base.gatewaysByService;
      this.sensitiveHeaders = base.sensitiveHeaders;
    } else {
      this.gateways = frozen(b.gateways);
      this.gatewaysByService = byService(gateways, g -> g.spec().service());
      TreeSet<String> sensitive = new TreeSet<>();
      gateways.values().forEach(g -> g.spec().sensitiveHeaders()
          .forEach(h -> sensitive.add(h.toLowerCase(Locale.ROOT))));
      this.sensitiveHeaders = Collections.unmodifiableSortedSet(sensitive);
    }
    this.endpoints = b.endpointsCopied ? frozenEndpoints(b) : base.endpoints;
    this.rejected = List.copyOf(b.rejected);
    this.reads = null;
  }

  private static <V> SortedMap<String, V> frozen(Map<String, V> documents) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(documents));
  }

  /** Each changed service's instances sorted by id; the lists of the others are the base's. */
  private static SortedMap<String, List<Endpoint>> frozenEndpoints(Builder b) {
    TreeMap<String, List<Endpoint>> eps = new TreeMap<>();
    b.endpoints.forEach((service, list) -> {
      if (b.changedEndpointServices.contains(service)) {
        List<Endpoint> sorted = new ArrayList<>(list);
        sorted.sort((x, y) -> x.id().compareTo(y.id()));
        eps.put(service, List.copyOf(sorted));
      } else {
        eps.put(service, list);
      }
    });
    return Collections.unmodifiableSortedMap(eps);
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
    return new Builder(revision, null);
  }

  /**
   * A builder that starts with {@code base}'s content at a new revision: what it is not told to
   * change, the snapshot it builds shares with {@code base}.
   */
  public static Builder builder(long revision, PolicySnapshot base) {
    return new Builder(revision, Objects.requireNonNull(base, "base"));
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
    int resources = services.size() + processors.size() + routeTables.size()
        + authorizationPolicies.size() + peerAuthentications.size()
        + requestAuthentications.size() + rateLimitPolicies.size() + gateways.size();
    return "PolicySnapshot{revision=" + revision + ", resources=" + resources
        + ", endpoints=" + endpoints.values().stream().mapToInt(List::size).sum()
        + ", rejected=" + rejected.size() + "}";
  }

  /**
   * Collects documents; later additions of the same key replace earlier ones. Started from a base
   * snapshot, it copies a kind's map (or the endpoints) only when told to change it.
   */
  public static final class Builder {
    private final long revision;
    /** The snapshot this one starts from; null when it starts empty. */
    private final PolicySnapshot base;
    /** The kinds whose map is this builder's own (every kind without a base). */
    private final Set<Kind> ownKinds = EnumSet.noneOf(Kind.class);
    private boolean endpointsCopied;
    /** The services whose endpoint list is this builder's own, to be sorted when built. */
    private final Set<String> changedEndpointServices = new HashSet<>();
    private Map<String, Service> services;
    private Map<String, PaymentProcessor> processors;
    private Map<String, RouteTable> routeTables;
    private Map<String, AuthorizationPolicy> authorizationPolicies;
    private Map<String, PeerAuthentication> peerAuthentications;
    private Map<String, RequestAuthentication> requestAuthentications;
    private Map<String, RateLimitPolicy> rateLimitPolicies;
    private Map<String, Gateway> gateways;
    private Map<String, List<Endpoint>> endpoints;
    private final List<RejectedDocument> rejected;

    private Builder(long revision, PolicySnapshot base) {
      this.revision = revision;
      this.base = base;
      if (base == null) {
        ownKinds.addAll(EnumSet.allOf(Kind.class));
        endpointsCopied = true;
        services = new TreeMap<>();
        processors = new TreeMap<>();
        routeTables = new TreeMap<>();
        authorizationPolicies = new TreeMap<>();
        peerAuthentications = new TreeMap<>();
        requestAuthentications = new TreeMap<>();
        rateLimitPolicies = new TreeMap<>();
        gateways = new TreeMap<>();
        endpoints = new TreeMap<>();
        rejected = new ArrayList<>();
      } else {
        services = base.services;
        processors = base.processors;
        routeTables = base.routeTables;
        authorizationPolicies = base.authorizationPolicies;
        peerAuthentications = base.peerAuthentications;
        requestAuthentications = base.requestAuthentications;
        rateLimitPolicies = base.rateLimitPolicies;
        gateways = base.gateways;
        endpoints = base.endpoints;
        rejected = new ArrayList<>(base.rejected);
      }
    }

    /** Whether the snapshot built keeps the base's map of {@code kind}. */
    private boolean unchanged(Kind kind) {
      return base != null && !ownKinds.contains(kind);
    }

    /** {@code current}, or a copy of it the first time this builder changes {@code kind}. */
    private <V> Map<String, V> own(Kind kind, Map<String, V> current) {
      return ownKinds.add(kind) ? new TreeMap<>(current) : current;
    }

    public Builder add(PolicyResource resource) {
      // Pattern switches are not available in Java 17, so switch on the kind. A switch statement is
      // not checked for exhaustiveness; PolicySnapshotTest adds one document of every Kind.
      String name = resource.name();
      switch (resource.kind()) {
        case SERVICE -> (services = own(Kind.SERVICE, services)).put(name, (Service) resource);
        case PAYMENT_PROCESSOR -> (processors = own(Kind.PAYMENT_PROCESSOR, processors))
            .put(name, (PaymentProcessor) resource);
        case ROUTE_TABLE -> (routeTables = own(Kind.ROUTE_TABLE, routeTables))
            .put(name, (RouteTable) resource);
        case AUTHORIZATION_POLICY ->
            (authorizationPolicies = own(Kind.AUTHORIZATION_POLICY, authorizationPolicies))
                .put(name, (AuthorizationPolicy) resource);
        case PEER_AUTHENTICATION ->
            (peerAuthentications = own(Kind.PEER_AUTHENTICATION, peerAuthentications))
                .put(name, (PeerAuthentication) resource);
        case REQUEST_AUTHENTICATION ->
            (requestAuthentications = own(Kind.REQUEST_AUTHENTICATION, requestAuthentications))
                .put(name, (RequestAuthentication) resource);
        case RATE_LIMIT_POLICY ->
            (rateLimitPolicies = own(Kind.RATE_LIMIT_POLICY, rateLimitPolicies))
                .put(name, (RateLimitPolicy) resource);
        case GATEWAY -> (gateways = own(Kind.GATEWAY, gateways)).put(name, (Gateway) resource);
        default -> throw new AssertionError(resource.kind());
      }
      return this;
    }

    public Builder addAll(Collection<? extends PolicyResource> resources) {
      resources.forEach(this::add);
      return this;
    }

    /** Takes the document {@code kind}/{@code name} out, if there is one. */
    public Builder remove(Kind kind, String name) {
      // A switch expression: a new Kind does not compile until it is handled here.
      Map<String, ?> documents = switch (kind) {
        case SERVICE -> services = own(kind, services);
        case PAYMENT_PROCESSOR -> processors = own(kind, processors);
        case ROUTE_TABLE -> routeTables = own(kind, routeTables);
        case AUTHORIZATION_POLICY -> authorizationPolicies = own(kind, authorizationPolicies);
        case PEER_AUTHENTICATION -> peerAuthentications = own(kind, peerAuthentications);
        case REQUEST_AUTHENTICATION -> requestAuthentications = own(kind, requestAuthentications);
        case RATE_LIMIT_POLICY -> rateLimitPolicies = own(kind, rateLimitPolicies);
        case GATEWAY -> gateways = own(kind, gateways);
      };
      documents.remove(name);
      return this;
    }

    public Builder addEndpoint(Endpoint endpoint) {
      ownEndpointList(endpoint.service()).add(endpoint);
      return this;
    }

    /** Sets the instances of {@code service} to exactly {@code instances} (none: no entry). */
    public Builder replaceEndpoints(String service, Collection<Endpoint> instances) {
      List<Endpoint> list = ownEndpointList(service);
      list.clear();
      list.addAll(instances);
      if (list.isEmpty()) {
        endpoints.remove(service);
      }
      return this;
    }

    private List<Endpoint> ownEndpointList(String service) {
      if (!endpointsCopied) {
        endpoints = new TreeMap<>(endpoints);
        endpointsCopied = true;
      }
      // This builder's own list: a copy of the base's the first time, a new one after this
      // builder emptied the service (and so removed its entry).
      List<Endpoint> own = changedEndpointServices.add(service) ? null : endpoints.get(service);
      if (own == null) {
        own = new ArrayList<>(endpoints.getOrDefault(service, List.of()));
        endpoints.put(service, own);
      }
      return own;
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
