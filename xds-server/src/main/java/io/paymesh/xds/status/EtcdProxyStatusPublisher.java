package io.paymesh.xds.status;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.paymesh.config.store.EtcdCalls;
import io.paymesh.config.store.LeaseLossObserver;
import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this replica's connected proxies to etcd for the admin API: one record per node at
 * {@code <prefix>status/proxies/<node-id>}, written when its ADS stream opens, ACKs or NACKs and
 * deleted when it closes. Every record hangs on ONE lease per replica, kept alive, so a replica
 * that dies takes its records with it after the TTL, and one that stops revokes them at once.
 *
 * <p>gRPC threads only mark a node dirty; one writer thread then publishes the node's state as it
 * is at that moment, so a burst of ACKs becomes one write (latest wins) and a slow or absent etcd
 * never holds up an ADS stream. Failed writes are retried with backoff; a lost lease is replaced
 * and every record written again under the new one.
 */
public final class EtcdProxyStatusPublisher implements AutoCloseable {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(EtcdProxyStatusPublisher.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_RETRY = Duration.ofMillis(100);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);

  private final Client client;
  private final ProxyStatusKeys keys;
  private final String replicaId;
  private final ProxyStatusRegistry registry;
  private final long ttlSeconds;
  private final ScheduledThreadPoolExecutor writer;
  private final ProxyStatusRegistry.Listener listener = this::markDirty;
  /** Nodes with a flush queued; a node is in here at most once, which is the coalescing. */
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  // Confined to the writer thread.
  private long leaseId;
  private CloseableClient keepAlive;
  private Duration retryDelay = MIN_RETRY;

  /**
   * @param prefix the etcd prefix of the deployment, e.g. {@code /paymesh/}
   * @param replicaId names this replica in the records (which replica holds a proxy's stream)
   * @param ttl the lease TTL (whole seconds, at least 1): how long records of a replica that
   *     died without closing stay visible
   */
  public EtcdProxyStatusPublisher(
      Client client, String prefix, String replicaId, ProxyStatusRegistry registry,
      Duration ttl) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = new ProxyStatusKeys(prefix);
    this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    // etcd leases have whole-second TTLs; round up so records never expire early.
    this.ttlSeconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    this.writer = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "paymesh-proxy-status");
      t.setDaemon(true);
      return t;
    });
    writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Starts following the registry and publishes every stream already open. Returns at once; the
   * lease is granted and records written on the writer thread.
   */
  public EtcdProxyStatusPublisher start() {
    registry.addListener(listener);
    registry.connected().forEach(status -> markDirty(status.nodeId()));
    return this;
  }

  public String replicaId() {
    return replicaId;
  }

  /** Called on gRPC threads: only queues the node, never touches etcd. */
  private void markDirty(String nodeId) {
    if (closed || nodeId.isEmpty()) {
      // An empty node id cannot be a key; such a stream is not served either.
      return;
    }
    if (dirty.add(nodeId)) {
      submit(() -> flush(nodeId), Duration.ZERO);
    }
  }

  private void submit(Runnable task, Duration delay) {
    try {
      writer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("proxy status publisher closed; dropping a status update", e);
    }
  }

  /** Publishes the node's current state: its newest open stream, or nothing if none is left. */
  private void flush(String nodeId) {
    // Cleared before reading the registry: a change from now on queues another flush.
    dirty.remove(nodeId);
    if (closed) {
      return;
    }
    try {
      ensureLease();
      Optional<ProxyStatus> status = registry.latestOf(nodeId);
      if (status.isPresent()) {
        put(nodeId, toRecord(status.get()));
      } else {
        delete(nodeId);
      }
      retryDelay = MIN_RETRY;
    } catch (RuntimeException e) {
      if (EtcdCalls.isLeaseNotFound(e)) {
        leaseLost(leaseId);
      }
      Duration delay = retryDelay;
      retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0
          ? MAX_RETRY : retryDelay.multipliedBy(2);
      LOG.warn("cannot publish the status of node {}: {}; retrying in {}",
          ClientStrings.forLog(nodeId), e.getMessage(), delay);
      if (dirty.add(nodeId)) {
        submit(() -> flush(nodeId), delay);
      }
    }
  }

  private ProxyStatusRecord toRecord(ProxyStatus status) {
    return new ProxyStatusRecord(
        status.nodeId(),
        status.group().service(),
        status.group().client().name(),
        replicaId,
        status.ackedVersions(),
        status.lastNack().map(n -> new NackRecord(n.typeUrl(), n.version(), n.errorDetail(),
            n.at())),
        status.nackCount(),
        status.connectedAt(),
        status.updatedAt());
  }

  private void put(String nodeId, ProxyStatusRecord record) {
    await(client.getKVClient().put(bytes(keys.key(nodeId)), bytes(ProxyStatusCodec.toJson(record)),
            PutOption.builder().withLeaseId(leaseId).build()),
        CALL_TIMEOUT, "write proxy status of " + nodeId);
  }

  /**
   * Deletes the node's record only if it is still this replica's: a proxy that reconnected to
   * another replica has a newer record there (under that replica's lease), which must stay.
   */
  private void delete(String nodeId) {
    ByteSequence key = bytes(keys.key(nodeId));
    List<KeyValue> current =
        await(client.getKVClient().get(key), CALL_TIMEOUT, "read proxy status of " + nodeId)
            .getKvs();
    if (current.isEmpty() || current.get(0).getLease() != leaseId) {
      return;
    }
    await(client.getKVClient().txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.get(0).getModRevision())))
            .Then(Op.delete(key, DeleteOption.DEFAULT))
            .commit(),
        CALL_TIMEOUT, "delete proxy status of " + nodeId);
  }

  private void ensureLease() {
    if (leaseId != 0) {
      return;
    }
    long lease =
        await(client.getLeaseClient().grant(ttlSeconds), CALL_TIMEOUT, "grant status lease")
            .getID();
    leaseId = lease;
    keepAlive = client.getLeaseClient().keepAlive(lease, new LeaseLossObserver(
        "proxy status lease " + Long.toHexString(lease),
        () -> submit(() -> leaseLost(lease), Duration.ZERO)));
    LOG.info("replica {} publishes proxy status under {} with lease {} (ttl {}s)", replicaId,
        keys.root(), Long.toHexString(lease), ttlSeconds);
  }

  /**
   * The lease expired (etcd unreachable for longer than the TTL) or was revoked, and the records
   * with it. The next flush grants a new one; every connected node is written again.
   */
  private void leaseLost(long lease) {
    if (closed || lease == 0 || lease != leaseId) {
      return;
    }
    LOG.warn("proxy status lease {} of replica {} is gone; re-publishing every proxy",
        Long.toHexString(lease), replicaId);
    closeKeepAlive();
    leaseId = 0;
    registry.connected().forEach(status -> markDirty(status.nodeId()));
  }

  private void closeKeepAlive() {
    if (keepAlive != null) {
      keepAlive.close();
      keepAlive = null;
    }
  }

  /** Stops publishing and revokes the lease, which deletes every record of this replica at once. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registry.removeListener(listener);
    submit(this::revoke, Duration.ZERO);
    writer.shutdown();
    try {
      if (!writer.awaitTermination(CALL_TIMEOUT.multipliedBy(3).toMillis(),
          TimeUnit.MILLISECONDS)) {
        LOG.warn("proxy status writer did not stop in time; records expire with the lease");
        writer.shutdownNow();
      }
    } catch (InterruptedException e) {
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void revoke() {
    closeKeepAlive();
    if (leaseId == 0) {
      return;
    }
    try {
      await(client.getLeaseClient().revoke(leaseId), CALL_TIMEOUT, "revoke status lease");
      LOG.info("replica {} withdrew its proxy status (lease {} revoked)", replicaId,
          Long.toHexString(leaseId));
    } catch (RuntimeException e) {
      LOG.warn("cannot revoke proxy status lease {}: {}; the records expire within {}s",
          Long.toHexString(leaseId), e.getMessage(), ttlSeconds);
    }
    leaseId = 0;
  }
}
