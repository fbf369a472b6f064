package io.paymesh.config.store;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The etcd key layout of DESIGN.md section 3 under one prefix. Every key paymesh reads or writes is
 * built and parsed here, so the layout is defined in exactly one place.
 */
public record KeyLayout(String prefix) {
  static final String POLICY = "policy/";
  static final String ENDPOINTS = "endpoints/";
  static final String STATUS = "status/";
  static final String AUDIT = "audit/";
  static final String IDENTITY = "identity/";
  static final String PROPOSALS = "proposals/";
  static final String IDEMPOTENCY = "idempotency/";
  private static final String JOIN_TOKENS = "join-tokens/";
  private static final String REVOCATIONS = "revocations/";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final char SEPARATOR = '/';

  public KeyLayout {
    requireValidPrefix(prefix);
  }

  static void requireValidPrefix(String prefix) {
    if (prefix == null || !prefix.startsWith("/") || !prefix.endsWith("/")) {
      throw new IllegalArgumentException("etcd prefix must start and end with '/': " + prefix);
    }
  }

  public static KeyLayout defaultLayout() {
    return new KeyLayout(EtcdSettings.DEFAULT_PREFIX);
  }

  public String policyPrefix() {
    return prefix + POLICY;
  }

  public String endpointsPrefix() {
    return prefix + ENDPOINTS;
  }

  /**
   * The first key of the one key range that holds all policy input, {@code <prefix>endpoints/}.
   * Endpoints and documents ({@code policy/}) are not adjacent in key order; what lies between
   * them ({@code identity/}, {@code idempotency/}) is written rarely and is not policy input.
   * What lies outside is most of what a busy mesh writes: proxy status ({@code status/}, at every
   * ACK of every proxy of every replica), the audit log (a record per change) and proposals. The
   * policy watcher watches this range rather than the whole prefix so that none of that reaches
   * every replica.
   */
  public String policyInputRangeStart() {
    return endpointsPrefix();
  }

  /** The end (exclusive) of {@link #policyInputRangeStart}'s range: just after every policy key. */
  public String policyInputRangeEnd() {
    String policy = policyPrefix();
    // The separator '/' is followed by '0' in key order: no policy key reaches this one.
    return policy.substring(0, policy.length() - 1) + (char) (SEPARATOR + 1);
  }

  public String statusPrefix() {
    return prefix + STATUS;
  }

  public String auditPrefix() {
    return prefix + AUDIT;
  }

  /**
   * {@code <prefix>identity/}: workload identity state (join token hashes, revocations). Not
   * policy input: the watcher and the audit log skip it.
   */
  public String identityPrefix() {
    return prefix + IDENTITY;
  }

  /** {@code <prefix>identity/join-tokens/}. */
  public String joinTokensPrefix() {
    return identityPrefix() + JOIN_TOKENS;
  }

  /**
   * {@code <prefix>identity/join-tokens/<sha256 hex>}: a token is stored under its hash only, so
   * read access to etcd does not give away usable tokens.
   */
  public String joinTokenKey(String sha256Hex) {
    if (sha256Hex == null || !SHA256_HEX.matcher(sha256Hex).matches()) {
      // Never echo the argument: a caller passing the token text by mistake must not log it.
      throw new IllegalArgumentException("join token key: expected a lowercase SHA-256 hex digest");
    }
    return joinTokensPrefix() + sha256Hex;
  }

  /**
   * {@code <prefix>idempotency/}: the records of admin writes made under an Idempotency-Key. Not
   * policy input: the watcher and the audit log skip it.
   */
  public String idempotencyPrefix() {
    return prefix + IDEMPOTENCY;
  }

  /**
   * {@code <prefix>idempotency/<sha256 hex>}, the digest of caller and key: a key is any client
   * text, a digest is always one safe segment.
   */
  public String idempotencyKey(String sha256Hex) {
    if (sha256Hex == null || !SHA256_HEX.matcher(sha256Hex).matches()) {
      throw new IllegalArgumentException("idempotency key: expected a lowercase SHA-256 hex digest");
    }
    return idempotencyPrefix() + sha256Hex;
  }

  /** {@code <prefix>identity/revocations/}. */
  public String revocationsPrefix() {
    return identityPrefix() + REVOCATIONS;
  }

  /** {@code <prefix>identity/revocations/<service>}: when the service's identity was revoked. */
  public String revocationKey(String service) {
    return revocationsPrefix() + requireSegment(service, "service");
  }

  /** {@code <prefix>policy/<kind path segment>/<name>}, e.g. {@code /paymesh/policy/routetables/payments}. */
  public String policyKey(Kind kind, String name) {
    return policyPrefix() + kind.pathSegment() + SEPARATOR + requireSegment(name, "name");
  }

  public String policyKey(ResourceKey key) {
    return policyKey(key.kind(), key.name());
  }

  /** {@code <prefix>policy/<kind path segment>/}: every document of one kind. */
  public String kindPrefix(Kind kind) {
    return policyPrefix() + kind.pathSegment() + SEPARATOR;
  }

  /** {@code <prefix>proposals/}: changes waiting for a second security admin's approval. */
  public String proposalsPrefix() {
    return prefix + PROPOSALS;
  }

  /** {@code <prefix>proposals/<id>}. */
  public String proposalKey(String id) {
    return proposalsPrefix() + requireSegment(id, "proposal id");
  }

  /** {@code <prefix>audit/<id>}; see {@link io.paymesh.config.audit} for what the id is. */
  public String auditKey(String id) {
    return auditPrefix() + requireSegment(id, "audit id");
  }

  /** {@code <prefix>endpoints/<service>/<id>}. */
  public String endpointKey(String service, String id) {
    return endpointsPrefix() + requireSegment(service, "service") + SEPARATOR
        + requireSegment(id, "id");
  }

  /** What a key under this prefix denotes; empty if it is outside the prefix. */
  public Optional<StoreKey> parse(String key) {
    if (key.startsWith(policyPrefix())) {
      String[] parts = key.substring(policyPrefix().length()).split("/", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        return Optional.of(new StoreKey.Malformed(
            "key: expected " + policyPrefix() + "<kind>/<name>"));
      }
      Optional<Kind> kind = Kind.fromPathSegment(parts[0]);
      if (kind.isEmpty()) {
        return Optional.of(new StoreKey.Malformed("key: unknown kind segment '" + parts[0] + "'"));
      }
      return Optional.of(new StoreKey.Policy(new ResourceKey(kind.get(), parts[1])));
    }
    if (key.startsWith(endpointsPrefix())) {
      String[] parts = key.substring(endpointsPrefix().length()).split("/", -1);
      if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
        return Optional.of(new StoreKey.Malformed(
            "key: expected " + endpointsPrefix() + "<service>/<id>"));
      }
      return Optional.of(new StoreKey.EndpointInstance(parts[0], parts[1]));
    }
    if (key.startsWith(prefix)) {
      return Optional.of(new StoreKey.Other());
    }
    return Optional.empty();
  }

  private static String requireSegment(String value, String what) {
    if (value == null || value.isEmpty() || value.indexOf(SEPARATOR) >= 0) {
      throw new IllegalArgumentException(what + " must be a non-empty key segment without '/': "
          + value);
    }
    return value;
  }
}
