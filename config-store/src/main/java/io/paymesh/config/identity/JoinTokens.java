package io.paymesh.config.identity;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.awaitCommit;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.audit.AuditIds;
import io.paymesh.config.audit.AuditRecord;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.idempotency.IdempotencyRecords;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.CommitOutcomeUnknownException;
import io.paymesh.config.store.DocumentNotFoundException;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyStoreException;
import io.paymesh.config.validation.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-time join tokens in etcd: {@link #create} stores a new token's SHA-256 (never the token)
 * under {@code <prefix>identity/join-tokens/<sha256>} on a lease of its TTL, with an audit record
 * in the same transaction; {@link #consume} removes it in one transaction, so of any number of
 * concurrent consumers on any number of replicas at most one gets {@code CONSUMED}. Thread-safe.
 */
public final class JoinTokens {
  public static final Duration DEFAULT_TTL = Duration.ofMinutes(15);
  public static final Duration MIN_TTL = Duration.ofMinutes(1);
  public static final Duration MAX_TTL = Duration.ofHours(24);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(JoinTokens.class);

  private final KV kv;
  private final Lease leases;
  private final KeyLayout keys;
  private final Duration timeout;
  private final Clock clock;
  private final Duration minTtl;
  private final IdempotencyRecords idempotency;

  public JoinTokens(Client client, String prefix) {
    this(client, prefix, DEFAULT_TIMEOUT, Clock.systemUTC());
  }

  /**
   * @param timeout bound of each etcd call
   * @param clock decides {@code expiresAt} at creation and whether it has passed at consumption
   */
  public JoinTokens(Client client, String prefix, Duration timeout, Clock clock) {
    this(client, prefix, timeout, clock, MIN_TTL);
  }

  /** With a lower TTL bound, so a test can watch a lease remove a token in seconds. */
  JoinTokens(Client client, String prefix, Duration timeout, Clock clock, Duration minTtl) {
    Objects.requireNonNull(client, "client");
    this.kv = client.getKVClient();
    this.leases = client.getLeaseClient();
    this.keys = new KeyLayout(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.minTtl = minTtl;
    this.idempotency = new IdempotencyRecords(client, prefix, timeout);
  }

  /** {@link #create(String, Duration, Actor, Optional)} with {@link #DEFAULT_TTL}. */
  public IssuedJoinToken create(String service, Actor actor, Optional<String> reason)
      throws DocumentNotFoundException {
    return create(service, DEFAULT_TTL, actor, reason);
  }

  /**
   * Issues a token for one Service. Stored: the token's hash, {@code {service, expiresAt,
   * createdBy}}, attached to an etcd lease of {@code ttl} (rounded up to whole seconds), and an
   * {@link Operation#ISSUE_JOIN_TOKEN} audit record for {@code Service/<service>}, in one
   * transaction that also requires the Service document to exist.
   *
   * @param ttl between {@link #MIN_TTL} and {@link #MAX_TTL}
   * @param reason recorded in the audit entry; the actor's own reason if empty
   * @throws DocumentNotFoundException if there is no Service {@code service}; nothing is stored
   * @throws IllegalArgumentException if {@code ttl} is out of bounds or {@code service} is not a
   *     name
   */
  public IssuedJoinToken create(String service, Duration ttl, Actor actor, Optional<String> reason)
      throws DocumentNotFoundException {
    return create(service, ttl, actor, reason, Optional.empty());
  }

  /**
   * {@link #create(String, Duration, Actor, Optional)} that records {@code claim} in the same
   * transaction, with a {@link JoinTokenIssue} (not the token) as its outcome.
   *
   * @throws IdempotencyKeyUsedException if a write under the claim's key committed first; nothing
   *     of this one is stored
   */
  public IssuedJoinToken create(String service, Duration ttl, Actor actor, Optional<String> reason,
      Optional<IdempotencyClaim> claim) throws DocumentNotFoundException {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    ResourceKey serviceKey = new ResourceKey(Kind.SERVICE, requireName(service));
    ByteSequence serviceDocument = bytes(keys.policyKey(serviceKey));
    requireTtl(ttl);
    Instant now = clock.instant();
    Instant expiresAt = now.plus(ttl);
    JoinToken token = JoinToken.generate();
    ByteSequence tokenKey = bytes(keys.joinTokenKey(token.sha256Hex()));
    String stored = new StoredJoinToken(service, expiresAt, actor.name()).toJson();
    AuditRecord audit = new AuditRecord(actor.name(), now, reason.or(actor::reasonOpt), serviceKey,
        Operation.ISSUE_JOIN_TOKEN, Optional.empty(), Optional.empty());
    String auditKey = keys.auditKey(AuditIds.forCommit(now, 1).get(0));

    long lease = await(leases.grant(ttlSeconds(ttl)), timeout,
        "lease for a join token of Service/" + service).getID();
    List<Cmp> guards = new ArrayList<>(List.of(
        new Cmp(serviceDocument, Cmp.Op.GREATER, CmpTarget.version(0)),
        new Cmp(tokenKey, Cmp.Op.EQUAL, CmpTarget.version(0))));
    List<Op> writes = new ArrayList<>(List.of(
        Op.put(tokenKey, bytes(stored), PutOption.builder().withLeaseId(lease).build()),
        Op.put(bytes(auditKey), bytes(audit.toJson()), PutOption.DEFAULT)));
    List<Op> otherwise = new ArrayList<>(List.of(Op.get(serviceDocument, GetOption.DEFAULT)));
    Optional<IdempotencyRecords.Guard> guard;
    try {
      guard = claim.map(idempotency::guard);
    } catch (PolicyStoreException e) {
      revokeQuietly(lease);
      throw e;
    }
    guard.ifPresent(g -> {
      guards.add(g.unused());
      writes.add(g.record(now, JoinTokenIssue.outcomeJson(service, expiresAt, token)));
      otherwise.add(g.read());
    });
    TxnResponse response;
    try {
      response = awaitCommit(kv.txn()
          .If(guards.toArray(Cmp[]::new))
          .Then(writes.toArray(Op[]::new))
          .Else(otherwise.toArray(Op[]::new))
          .commit(), timeout, "store a join token of Service/" + service);
    } catch (CommitOutcomeUnknownException e) {
      throw e;  // the token and the record may be stored: their leases stay
    } catch (PolicyStoreException e) {
      revokeQuietly(lease);
      guard.ifPresent(IdempotencyRecords.Guard::release);
      throw e;
    }
    if (!response.isSucceeded()) {
      revokeQuietly(lease);
      guard.ifPresent(IdempotencyRecords.Guard::release);
      Optional<IdempotencyRecord> used =
          guard.flatMap(g -> g.recordIn(response.getGetResponses().get(1)));
      if (used.isPresent()) {
        throw new IdempotencyKeyUsedException(used.get());
      }
      if (response.getGetResponses().get(0).getKvs().isEmpty()) {
        throw new DocumentNotFoundException(serviceKey);
      }
      // Only a 256-bit collision with a live token gets here.
      throw new PolicyStoreException("join token of Service/" + service
          + " collides with a stored one; nothing stored, try again");
    }
    long revision = response.getHeader().getRevision();
    LOG.info("Issued join token {} for Service/{} by {}, expires at {} (revision {})",
        token.fingerprint(), service, actor.name(), expiresAt, revision);
    return new IssuedJoinToken(token, service, expiresAt, revision);
  }

  /**
   * Uses up {@code token} for {@code service}. One transaction reads and deletes the token's key
   * if it exists, so there is no window between reading and removing it: whoever's transaction
   * removes it is the only one that can succeed. An expired token or one for another service is
   * removed as well and refused.
   */
  public JoinTokenConsumption consume(JoinToken token, String service) {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(service, "service");
    ByteSequence key = bytes(keys.joinTokenKey(token.sha256Hex()));
    TxnResponse response = await(kv.txn()
        .If(new Cmp(key, Cmp.Op.GREATER, CmpTarget.version(0)))
        .Then(Op.get(key, GetOption.DEFAULT), Op.delete(key, DeleteOption.DEFAULT))
        .commit(), timeout, "consume join token " + token.fingerprint());
    if (!response.isSucceeded()) {
      return refused(JoinTokenConsumption.Outcome.UNKNOWN_OR_USED, Optional.empty());
    }
    Optional<StoredJoinToken> decoded = decode(token, response.getGetResponses());
    if (decoded.isEmpty()) {
      return refused(JoinTokenConsumption.Outcome.UNKNOWN_OR_USED, Optional.empty());
    }
    StoredJoinToken stored = decoded.get();
    if (!clock.instant().isBefore(stored.expiresAt())) {
      return refused(JoinTokenConsumption.Outcome.EXPIRED, decoded);
    }
    if (!stored.service().equals(service)) {
      return refused(JoinTokenConsumption.Outcome.OTHER_SERVICE, decoded);
    }
    return new JoinTokenConsumption(JoinTokenConsumption.Outcome.CONSUMED, decoded);
  }

  private static Optional<StoredJoinToken> decode(JoinToken token, List<GetResponse> gets) {
    KeyValue entry = gets.get(0).getKvs().get(0);
    try {
      return Optional.of(StoredJoinToken.fromJson(string(entry.getValue())));
    } catch (IllegalArgumentException e) {
      // Written around paymesh: it cannot be honoured (fail closed); the transaction removed it.
      LOG.warn("Removed {}: not a join token record ({}); token {} refused",
          string(entry.getKey()), e.getMessage(), token.fingerprint());
      return Optional.empty();
    }
  }

  private static JoinTokenConsumption refused(
      JoinTokenConsumption.Outcome outcome, Optional<StoredJoinToken> stored) {
    return new JoinTokenConsumption(outcome, stored);
  }

  private void requireTtl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.compareTo(minTtl) < 0 || ttl.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("join token ttl: must be between "
          + Durations.format(minTtl) + " and " + MAX_TTL.toHours() + "h, got "
          + Durations.format(ttl));
    }
  }

  static String requireName(String service) {
    if (service == null || service.isEmpty() || service.indexOf('/') >= 0) {
      throw new IllegalArgumentException("service: must be a Service name, got "
          + (service == null ? "null" : "'" + service + "'"));
    }
    return service;
  }

  /** etcd leases have whole-second TTLs; rounded up so a token never vanishes early. */
  private static long ttlSeconds(Duration ttl) {
    return (ttl.toMillis() + 999) / 1000;
  }

  private void revokeQuietly(long lease) {
    try {
      await(leases.revoke(lease), timeout, "revoke unused join token lease");
    } catch (PolicyStoreException e) {
      LOG.debug("Unused join token lease {} expires by itself: {}", Long.toHexString(lease),
          e.getMessage());
    }
  }
}
