package io.paymesh.config.idempotency;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;
import static io.paymesh.config.store.EtcdCalls.string;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.PolicyStoreException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotency records in etcd, under {@code <prefix>idempotency/<sha256 of caller and key>}, each
 * on a lease of {@link #RETENTION}. They live in etcd, not in a replica's memory, so every admin
 * API replica sees every key. {@link #find} reads one; a write takes a {@link Guard}, whose
 * compare and put go into the write's own transaction. Thread-safe.
 */
public final class IdempotencyRecords {
  /** How long a key is remembered after its write committed; a retry after that applies anew. */
  public static final Duration RETENTION = Duration.ofHours(24);
  private static final Logger LOG = LoggerFactory.getLogger(IdempotencyRecords.class);

  private final KV kv;
  private final Lease leases;
  private final KeyLayout keys;
  private final Duration timeout;

  public IdempotencyRecords(Client client, String prefix, Duration timeout) {
    Objects.requireNonNull(client, "client");
    this.kv = client.getKVClient();
    this.leases = client.getLeaseClient();
    this.keys = new KeyLayout(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** The record of {@code caller}'s write under {@code key}, if one committed within retention. */
  public Optional<IdempotencyRecord> find(String caller, String key) {
    String etcdKey = etcdKey(caller, key);
    GetResponse response = await(kv.get(bytes(etcdKey)), timeout, "read idempotency record");
    return decode(response, etcdKey);
  }

  /**
   * Grants the lease the record will live on. Call before building the write's transaction, and
   * {@link Guard#release()} if that transaction certainly did not commit.
   */
  public Guard guard(IdempotencyClaim claim) {
    Objects.requireNonNull(claim, "claim");
    long lease = await(leases.grant(RETENTION.toSeconds()), timeout,
        "lease for an idempotency record").getID();
    return new Guard(claim, etcdKey(claim.caller(), claim.key()), lease);
  }

  private String etcdKey(String caller, String key) {
    IdempotencyClaim.requireValidKey(key);
    // Length-prefixed so that no other (caller, key) pair yields the same input.
    String input = caller.length() + ":" + caller + "\n" + key;
    return keys.idempotencyKey(sha256Hex(input));
  }

  private static Optional<IdempotencyRecord> decode(GetResponse response, String etcdKey) {
    if (response.getKvs().isEmpty()) {
      return Optional.empty();
    }
    KeyValue stored = response.getKvs().get(0);
    try {
      return Optional.of(IdempotencyRecord.fromJson(string(stored.getValue()),
          stored.getModRevision()));
    } catch (IllegalArgumentException e) {
      // Written around paymesh. Fail closed: the key counts as used, and nobody can tell by what.
      throw new IllegalStateException(etcdKey + " is not an idempotency record", e);
    }
  }

  private static String sha256Hex(String input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(input.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JVM has SHA-256", e);
    }
  }

  /** The parts of one write's transaction that record its claim. */
  public final class Guard {
    private final IdempotencyClaim claim;
    private final String etcdKey;
    private final long lease;

    private Guard(IdempotencyClaim claim, String etcdKey, long lease) {
      this.claim = claim;
      this.etcdKey = etcdKey;
      this.lease = lease;
    }

    /** Holds while no write has used the key: the transaction's guard. */
    public Cmp unused() {
      return new Cmp(bytes(etcdKey), Cmp.Op.EQUAL, CmpTarget.version(0));
    }

    /** Stores the record; {@code outcome} is a JSON object from which the answer is rebuilt. */
    public Op record(Instant at, String outcome) {
      return Op.put(bytes(etcdKey), bytes(IdempotencyRecord.toJson(claim, at, outcome)),
          PutOption.builder().withLeaseId(lease).build());
    }

    /** For the transaction's else branch: reads the record that made {@link #unused} fail. */
    public Op read() {
      return Op.get(bytes(etcdKey), GetOption.DEFAULT);
    }

    /**
     * What the {@link #read} of a failed transaction found: a record if the key was used, empty
     * if the transaction failed on another compare.
     */
    public Optional<IdempotencyRecord> recordIn(GetResponse elseRead) {
      return decode(elseRead, etcdKey);
    }

    /** Gives the lease back when the write certainly did not commit (it would expire anyway). */
    public void release() {
      try {
        await(leases.revoke(lease), timeout, "revoke unused idempotency lease");
      } catch (PolicyStoreException e) {
        LOG.debug("Unused idempotency lease {} expires by itself: {}", Long.toHexString(lease),
            e.getMessage());
      }
    }
  }
}
