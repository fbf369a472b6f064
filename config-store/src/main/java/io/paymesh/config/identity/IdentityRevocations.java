package io.paymesh.config.identity;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.awaitCommit;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.audit.AuditIds;
import io.paymesh.config.audit.AuditRecord;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyStoreException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    String key = keys.revocationKey(JoinTokens.requireName(service));
    Instant now = clock.instant();
    Optional<String> why = reason.or(actor::reasonOpt);
    IdentityRevocation revocation = new IdentityRevocation(service, now, actor.name(), why);
    ResourceKey serviceKey = new ResourceKey(Kind.SERVICE, service);
    AuditRecord audit = new AuditRecord(actor.name(), now, why, serviceKey,
        Operation.REVOKE_IDENTITY, Optional.empty(), Optional.empty());
    TxnResponse response = awaitCommit(kv.txn()
        .Then(Op.put(bytes(key), bytes(revocation.toJson()), PutOption.DEFAULT),
            Op.put(bytes(keys.auditKey(AuditIds.forCommit(now, 1).get(0))),
                bytes(audit.toJson()), PutOption.DEFAULT))
        .commit(), timeout, "revoke the identity of Service/" + service);
    LOG.warn("Revoked the identity of Service/{} at {} by {} (revision {}): certificates issued "
        + "until then cannot be renewed", service, now, actor.name(),
        response.getHeader().getRevision());
    return revocation;
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
