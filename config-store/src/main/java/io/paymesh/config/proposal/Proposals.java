package io.paymesh.config.proposal;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.PolicyStoreException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pending proposals in etcd. Each is stored on a lease of its lifetime, so etcd removes it
 * when it expires even if no admin API is running; reads also hide a proposal whose
 * {@code expiresAt} has passed, in case the lease has not caught up yet. Ids are 128 random bits.
 */
public final class Proposals {
  /** Shortest and longest proposal lifetimes a deployment may configure. */
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(5);
  public static final Duration MAX_LIFETIME = Duration.ofDays(7);
  private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
  private static final Logger LOG = LoggerFactory.getLogger(Proposals.class);

  private final KV kv;
  private final Lease leases;
  private final KeyLayout keys;
  private final Duration timeout;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public Proposals(Client client, String prefix, Duration timeout, Clock clock) {
    this.kv = client.getKVClient();
    this.leases = client.getLeaseClient();
    this.keys = new KeyLayout(prefix);
    this.timeout = timeout;
    this.clock = clock;
  }

  /** True if {@code id} has the shape of a proposal id (checked before it becomes a key). */
  public static boolean isValidId(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public String key(String id) {
    return keys.proposalKey(id);
  }

  /** Stores a new proposal that can be approved until {@code lifetime} from now. */
  public StoredProposal propose(String proposer, String reason, boolean rollback,
      List<ProposedChange> changes, List<String> securityChanges, Duration lifetime) {
    return propose(proposer, reason, rollback, changes, securityChanges, lifetime,
        Optional.empty());
  }

  /** {@link #propose} recording the request that made it (see {@link Proposal.Request}). */
  public StoredProposal propose(String proposer, String reason, boolean rollback,
      List<ProposedChange> changes, List<String> securityChanges, Duration lifetime,
      Optional<Proposal.Request> request) {
    if (lifetime.compareTo(MIN_LIFETIME) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
      throw new IllegalArgumentException("proposal lifetime must be between " + MIN_LIFETIME
          + " and " + MAX_LIFETIME + ", was " + lifetime);
    }
    Instant now = clock.instant();
    String id = newId();
    Proposal proposal = new Proposal(id, proposer, reason, now, now.plus(lifetime), rollback,
        changes, securityChanges, request);
    long lease = await(leases.grant(lifetime.toSeconds()), timeout, "lease for a proposal")
        .getID();
    var key = bytes(key(id));
    TxnResponse response = await(kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
            .Then(Op.put(key, bytes(proposal.toJson()),
                PutOption.builder().withLeaseId(lease).build()))
            .commit(), timeout, "store proposal " + id);
    if (!response.isSucceeded()) {
      // 128 random bits collided: not worth a retry loop, and never silently overwrite.
      throw new PolicyStoreException("proposal id " + id + " is taken", null);
    }
    return new StoredProposal(proposal, response.getHeader().getRevision());
  }

  /** The pending proposal with this id; empty if there is none, or it expired. */
  public Optional<StoredProposal> get(String id) {
    if (!isValidId(id)) {
      return Optional.empty();
    }
    List<KeyValue> kvs = await(kv.get(bytes(key(id))), timeout, "read proposal " + id).getKvs();
    return kvs.stream().findFirst().flatMap(this::pending);
  }

  /** Every pending proposal, oldest first. */
  public List<StoredProposal> list() {
    List<KeyValue> kvs = await(
        kv.get(bytes(keys.proposalsPrefix()), GetOption.builder().isPrefix(true).build()),
        timeout, "list proposals").getKvs();
    List<StoredProposal> pending = new ArrayList<>();
    for (KeyValue stored : kvs) {
      pending(stored).ifPresent(pending::add);
    }
    pending.sort((a, b) -> a.proposal().createdAt().compareTo(b.proposal().createdAt()));
    return pending;
  }

  /**
   * Deletes the proposal if it is still at {@code modRevision}.
   *
   * @return false if it was approved, withdrawn, replaced or expired meanwhile
   */
  public boolean withdraw(String id, long modRevision) {
    var key = bytes(key(id));
    return await(kv.txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision)))
            .Then(Op.delete(key, DeleteOption.DEFAULT))
            .commit(), timeout, "withdraw proposal " + id).isSucceeded();
  }

  private Optional<StoredProposal> pending(KeyValue stored) {
    Proposal proposal;
    try {
      proposal = Proposal.fromJson(string(stored.getValue()));
    } catch (IllegalArgumentException e) {
      // Written around the admin API: never approvable, so never shown as pending.
      LOG.warn("Ignoring {}: not a proposal ({})", string(stored.getKey()), e.getMessage());
      return Optional.empty();
    }
    if (!key(proposal.id()).equals(string(stored.getKey()))) {
      LOG.warn("Ignoring {}: its id does not match its key", string(stored.getKey()));
      return Optional.empty();
    }
    if (proposal.expiredAt(clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(new StoredProposal(proposal, stored.getModRevision()));
  }

  private String newId() {
    byte[] bits = new byte[16];
    random.nextBytes(bits);
    return HexFormat.of().formatHex(bits);
  }
}
