package io.paymesh.config.identity;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.awaitCommit;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
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
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyStoreException;
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
 * Revocations of Services' workload identities in etcd ({@code <prefix>identity/revocations/}):
 * {@link #revoke} records one with its audit record in one transaction; {@link #revokedAt} is what
 * the identity API checks before renewing a certificate. Thread-safe.
 */
public final class IdentityRevocations {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(IdentityRevocations.class);

  private final KV kv;
  private final KeyLayout keys;
  private final Duration timeout;
  private final Clock clock;
  private final IdempotencyRecords idempotency;

  public IdentityRevocations(Client client, String prefix) {
    this(client, prefix, DEFAULT_TIMEOUT, Clock.systemUTC());
  }

  /**
   * @param timeout bound of each etcd call
   * @param clock stamps {@code revokedAt}; it must agree (NTP) with the clocks of the xds-server
   *     replicas that stamp certificates, since the two are compared
   */
  public IdentityRevocations(Client client, String prefix, Duration timeout, Clock clock) {
    this.kv = Objects.requireNonNull(client, "client").getKVClient();
    this.keys = new KeyLayout(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.idempotency = new IdempotencyRecords(client, prefix, timeout);
  }

  /**
   * Revokes the service's identity as of now: certificates issued until now cannot be renewed.
   * Writes the revocation and a {@link Operation#REVOKE_IDENTITY} audit record for
   * {@code Service/<service>} in one transaction. A later revocation replaces an earlier one (it
   * is the stricter). The Service document need not exist: a removed service may be revoked too.
   *
   * @param reason recorded with the revocation and in the audit entry; the actor's own if empty
   */
  public IdentityRevocation revoke(String service, Actor actor, Optional<String> reason) {
    return revoke(service, actor, reason, Optional.empty());
  }

  /**
   * {@link #revoke(String, Actor, Optional)} that records {@code claim} in the same transaction,
   * with the revocation as its outcome ({@link #revocationOf}).
   *
   * @throws IdempotencyKeyUsedException if a write under the claim's key committed first; nothing
   *     of this one is written
   */
  public IdentityRevocation revoke(String service, Actor actor, Optional<String> reason,
      Optional<IdempotencyClaim> claim) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    String key = keys.revocationKey(JoinTokens.requireName(service));
    Instant now = clock.instant();
    Optional<String> why = reason.or(actor::reasonOpt);
    IdentityRevocation revocation = new IdentityRevocation(service, now, actor.name(), why);
    ResourceKey serviceKey = new ResourceKey(Kind.SERVICE, service);
    AuditRecord audit = new AuditRecord(actor.name(), now, why, serviceKey,
        Operation.REVOKE_IDENTITY, Optional.empty(), Optional.empty());
    List<Cmp> guards = new ArrayList<>();
    List<Op> writes = new ArrayList<>(List.of(
        Op.put(bytes(key), bytes(revocation.toJson()), PutOption.DEFAULT),
        Op.put(bytes(keys.auditKey(AuditIds.forCommit(now, 1).get(0))), bytes(audit.toJson()),
            PutOption.DEFAULT)));
    List<Op> otherwise = new ArrayList<>();
    Optional<IdempotencyRecords.Guard> guard = claim.map(idempotency::guard);
    guard.ifPresent(g -> {
      guards.add(g.unused());
      writes.add(g.record(now, revocation.toJson()));
      otherwise.add(g.read());
    });
    boolean mayHaveCommitted = true;
    try {
      TxnResponse response = awaitCommit(kv.txn()
          .If(guards.toArray(Cmp[]::new))
          .Then(writes.toArray(Op[]::new))
          .Else(otherwise.toArray(Op[]::new))
          .commit(), timeout, "revoke the identity of Service/" + service);
      if (!response.isSucceeded()) {
        // Only the key's guard can fail.
        mayHaveCommitted = false;
        IdempotencyRecord used = guard.orElseThrow()
            .recordIn(response.getGetResponses().get(0)).orElseThrow();
        throw new IdempotencyKeyUsedException(used);
      }
      LOG.warn("Revoked the identity of Service/{} at {} by {} (revision {}): certificates issued "
          + "until then cannot be renewed", service, now, actor.name(),
          response.getHeader().getRevision());
      return revocation;
    } catch (PolicyStoreException e) {
      mayHaveCommitted = e instanceof CommitOutcomeUnknownException;
      throw e;
    } finally {
      if (!mayHaveCommitted) {
        guard.ifPresent(IdempotencyRecords.Guard::release);
      }
    }
  }

  /** The revocation a {@link #revoke} under an idempotency key stored as its outcome. */
  public static IdentityRevocation revocationOf(String service, IdempotencyRecord record) {
    return IdentityRevocation.fromJson(service, record.outcome());
  }

  /** When the service's identity was last revoked, if ever. */
  public Optional<Instant> revokedAt(String service) {
    return get(service).map(IdentityRevocation::revokedAt);
  }

  /**
   * The service's revocation, if any.
   *
   * @throws PolicyStoreException if etcd cannot be read, or holds a value that is not a
   *     revocation there (renewals must then be refused, not allowed)
   */
  public Optional<IdentityRevocation> get(String service) {
    String key = keys.revocationKey(JoinTokens.requireName(service));
    GetResponse response = await(kv.get(bytes(key)), timeout,
        "read the revocation of Service/" + service);
    if (response.getKvs().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          IdentityRevocation.fromJson(service, string(response.getKvs().get(0).getValue())));
    } catch (IllegalArgumentException e) {
      throw new PolicyStoreException(key + ": not a revocation record: " + e.getMessage());
    }
  }
}
