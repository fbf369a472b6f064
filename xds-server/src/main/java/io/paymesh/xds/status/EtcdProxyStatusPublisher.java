package io.paymesh.xds.status;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.paymesh.config.store.EtcdCalls;
import io.paymesh.config.store.LeaseLossObserver;
import io.paymesh.xds.ads.ProxyStatusRegistry;
import io.paymesh.xds.ads.ProxyStatusRegistry.ProxyStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes this replica's connected proxies to etcd for the admin API: one record per node at
 * {@code <prefix>status/proxies/<node-id>}, written when its ADS stream opens, ACKs or NACKs and
 * deleted when it closes. Every record hangs on ONE lease per replica, kept alive, so a replica
 * that dies takes its records with it after the TTL, and one that stops revokes them at once.
 *
 * <p>gRPC threads only mark a node dirty; one writer thread then publishes the state of every
 * dirty node as it is at that moment, so a burst of ACKs becomes one write per node (latest wins)
 * and a slow or absent etcd never holds up an ADS stream. Flushes are at least {@link
 * #FLUSH_INTERVAL} apart (the first after a quiet spell goes at once): a proxy's ACKs of its four
 * types come a few milliseconds apart, and written as they came they were four writes per proxy
 * while 10,000 connected, with etcd and the replica on the same cores. The writes of one flush go
 * out as etcd transactions of up to {@link #MAX_OPS_PER_TXN} puts, all sent at once: 10,000
 * proxies connecting are a hundred transactions, not 10,000 puts one after the other. Failed
 * writes are retried with backoff; a lost lease is replaced and every record written again under
 * the new one.
 *
 * <p>A record waits while its proxy's config is on its way ({@link ProxyStatus#inTransit}: a
 * response not yet ACKed or NACKed, a first request not yet answered), for at most {@link
 * #DEFAULT_SETTLE_LIMIT}: what the proxy has accepted is about to change, and when 10,000 proxies
 * connect to a replica at once each one's four types arrive seconds apart, so written at every
 * ACK a proxy took about five writes (its stream opening, then each ACK) where one shows where it
 * ended up. The answer that settles it is written like any change; a proxy stuck in transit (a
 * client that never answers, a name the policy lacks) is written once its wait is over.
 */
public final class EtcdProxyStatusPublisher implements AutoCloseable {
  public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);
  private static final Logger LOG = LoggerFactory.getLogger(EtcdProxyStatusPublisher.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_RETRY = Duration.ofMillis(100);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);
  /** Below etcd's default {@code --max-txn-ops} of 128. */
  static final int MAX_OPS_PER_TXN = 100;
  /** The least time from one flush to the next: how much later than its ACK a record may be. */
  public static final Duration FLUSH_INTERVAL = Duration.ofMillis(250);
  /** The longest a record waits for its proxy's config to arrive before it is written anyway. */
  public static final Duration DEFAULT_SETTLE_LIMIT = Duration.ofSeconds(5);

  private final Client client;
  private final ProxyStatusKeys keys;
  private final String replicaId;
  private final ProxyStatusRegistry registry;
  private final long ttlSeconds;
  private final long settleLimitNanos;
  private final ScheduledThreadPoolExecutor writer;
  private final ProxyStatusRegistry.Listener listener = this::markDirty;
  /** Nodes whose record is to be written; a node is in here at most once: the coalescing. */
  private final Set<String> dirty = ConcurrentHashMap.newKeySet();
  /** Whether a flush is queued; it takes every node dirty by the time it runs. */
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  /** When the last flush began ({@link System#nanoTime}); the next waits out the interval. */
  private volatile long lastFlushNanos = System.nanoTime() - FLUSH_INTERVAL.toNanos();
  private volatile boolean closed;

  // Confined to the writer thread.
  /** Nodes whose record waits for their config to arrive, by when it began to wait (nanoTime). */
  private final Map<String, Long> waitingSince = new HashMap<>();
  /** The flush queued for when the first of them has waited long enough, if any. */
  private ScheduledFuture<?> settleCheck;
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
    this(client, prefix, replicaId, registry, ttl, DEFAULT_SETTLE_LIMIT);
  }

  /**
   * @param settleLimit the longest a record waits while its proxy's config is in transit
   * @see #EtcdProxyStatusPublisher(Client, String, String, ProxyStatusRegistry, Duration)
   */
  public EtcdProxyStatusPublisher(
      Client client, String prefix, String replicaId, ProxyStatusRegistry registry,
      Duration ttl, Duration settleLimit) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = new ProxyStatusKeys(prefix);
    this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
    this.registry = Objects.requireNonNull(registry, "registry");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    // etcd leases have whole-second TTLs; round up so records never expire early.
    this.ttlSeconds = Math.max(1, (ttl.toMillis() + 999) / 1000);
    if (settleLimit.isNegative()) {
      throw new IllegalArgumentException("settleLimit must not be negative: " + settleLimit);
    }
    this.settleLimitNanos = settleLimit.toNanos();
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
    dirty.add(nodeId);
    queueFlush(Duration.ZERO);
  }

  /** Queues a flush unless one is queued: after {@code delay}, and the interval since the last. */
  private void queueFlush(Duration delay) {
    if (flushQueued.compareAndSet(false, true)) {
      Duration sinceLast = Duration.ofNanos(System.nanoTime() - lastFlushNanos);
      Duration rest = FLUSH_INTERVAL.minus(sinceLast);
      submit(this::flush, rest.compareTo(delay) > 0 ? rest : delay);
    }
  }

  private void submit(Runnable task, Duration delay) {
    try {
      writer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("proxy status publisher closed; dropping a status update", e);
    }
  }

  /**
   * Publishes the current state of every dirty node, and of every node whose wait for its config
   * is over: its newest open stream, or nothing if none is left. A node whose config is in transit
   * waits, up to the settle limit.
   */
  private void flush() {
    // Set before the flag is cleared, so a flush queued from now on waits from this one.
    long now = System.nanoTime();
    lastFlushNanos = now;
    // Cleared before draining: a change from now on queues another flush.
    flushQueued.set(false);
    if (closed) {
      return;
    }
    Set<String> nodes = drainDirty();
    waitingSince.keySet().stream().filter(nodeId -> waitIsOver(nodeId, now)).forEach(nodes::add);
    try {
      if (!nodes.isEmpty()) {
        write(nodes, now);
      }
      retryDelay = MIN_RETRY;
      queueSettleCheck(now);
    } catch (RuntimeException e) {
      if (EtcdCalls.isLeaseNotFound(e)) {
        leaseLost(leaseId);
      }
      Duration delay = retryDelay;
      retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0
          ? MAX_RETRY : retryDelay.multipliedBy(2);
      LOG.warn("cannot publish the status of {} proxies: {}; retrying in {}", nodes.size(),
          e.getMessage(), delay);
      // Written again with their state at that time; puts and deletes are idempotent.
      dirty.addAll(nodes);
      queueFlush(delay);
    }
  }

  private void write(Set<String> nodes, long now) {
    ensureLease();
    List<ProxyStatusRecord> records = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (String nodeId : nodes) {
      Optional<ProxyStatus> latest = registry.latestOf(nodeId);
      if (latest.isPresent() && latest.get().inTransit() && !waitIsOver(nodeId, now)) {
        waitingSince.putIfAbsent(nodeId, now);
        continue;
      }
      waitingSince.remove(nodeId);
      latest.ifPresentOrElse(status -> records.add(toRecord(status)), () -> gone.add(nodeId));
    }
    // Deletes first: once a later node's record is visible, an earlier close was handled.
    delete(gone);
    put(records);
  }

  private boolean waitIsOver(String nodeId, long now) {
    return now - waitingSince.getOrDefault(nodeId, now) >= settleLimitNanos;
  }

  /**
   * Queues a flush for when the first waiting record's wait is over, unless one is due before.
   * Not through {@link #queueFlush}, whose one queued flush would keep every change until then.
   */
  private void queueSettleCheck(long now) {
    if (waitingSince.isEmpty() || (settleCheck != null && !settleCheck.isDone())) {
      // A check due already is no later: records wait from when a flush first saw them.
      return;
    }
    long first = Collections.min(waitingSince.values());
    long delayMillis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, first + settleLimitNanos - now));
    try {
      settleCheck = writer.schedule(
          () -> queueFlush(Duration.ZERO), delayMillis + 1, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("proxy status publisher closed; no settle check", e);
    }
  }

  private Set<String> drainDirty() {
    Set<String> nodes = new LinkedHashSet<>();
    for (String nodeId : dirty) {
      if (dirty.remove(nodeId)) {
        nodes.add(nodeId);
      }
    }
    return nodes;
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

  /** Writes the records in transactions of at most {@link #MAX_OPS_PER_TXN} puts, sent at once. */
  private void put(List<ProxyStatusRecord> records) {
    PutOption onLease = PutOption.builder().withLeaseId(leaseId).build();
    List<CompletableFuture<TxnResponse>> sent = new ArrayList<>();
    for (List<ProxyStatusRecord> chunk : chunks(records)) {
      Op[] puts = chunk.stream()
          .map(r -> Op.put(bytes(keys.key(r.nodeId())), bytes(ProxyStatusCodec.toJson(r)), onLease))
          .toArray(Op[]::new);
      sent.add(client.getKVClient().txn().Then(puts).commit());
    }
    for (CompletableFuture<TxnResponse> txn : sent) {
      await(txn, CALL_TIMEOUT, "write the status of " + records.size() + " proxies");
    }
  }

  /**
   * Deletes the nodes' records that are still this replica's: a proxy that reconnected to another
   * replica has a newer record there (under that replica's lease), which must stay. One read and
   * one conditional delete per chunk; if a record changed in between, that chunk goes key by key.
   */
  private void delete(List<String> nodes) {
    for (List<String> chunk : chunks(nodes)) {
      TxnResponse read = await(client.getKVClient().txn()
              .Then(chunk.stream().map(n -> Op.get(bytes(keys.key(n)), GetOption.DEFAULT))
                  .toArray(Op[]::new))
              .commit(),
          CALL_TIMEOUT, "read the status of " + chunk.size() + " proxies");
      List<KeyValue> ours = read.getGetResponses().stream()
          .flatMap(r -> r.getKvs().stream())
          .filter(kv -> kv.getLease() == leaseId)
          .toList();
      if (ours.isEmpty()) {
        continue;
      }
      TxnResponse deleted = await(client.getKVClient().txn()
              .If(ours.stream().map(kv -> new Cmp(kv.getKey(), Cmp.Op.EQUAL,
                  CmpTarget.modRevision(kv.getModRevision()))).toArray(Cmp[]::new))
              .Then(ours.stream().map(kv -> Op.delete(kv.getKey(), DeleteOption.DEFAULT))
                  .toArray(Op[]::new))
              .commit(),
          CALL_TIMEOUT, "delete the status of " + ours.size() + " proxies");
      if (!deleted.isSucceeded()) {
        ours.forEach(kv -> deleteOne(kv.getKey()));
      }
    }
  }

  private void deleteOne(ByteSequence key) {
    List<KeyValue> current =
        await(client.getKVClient().get(key), CALL_TIMEOUT, "read a proxy status").getKvs();
    if (current.isEmpty() || current.get(0).getLease() != leaseId) {
      return;
    }
    await(client.getKVClient().txn()
            .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(current.get(0).getModRevision())))
            .Then(Op.delete(key, DeleteOption.DEFAULT))
            .commit(),
        CALL_TIMEOUT, "delete a proxy status");
  }

  private static <T> List<List<T>> chunks(List<T> items) {
    List<List<T>> chunks = new ArrayList<>();
    for (int from = 0; from < items.size(); from += MAX_OPS_PER_TXN) {
      chunks.add(items.subList(from, Math.min(items.size(), from + MAX_OPS_PER_TXN)));
    }
    return chunks;
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
