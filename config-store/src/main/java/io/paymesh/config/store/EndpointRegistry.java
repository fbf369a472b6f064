package io.paymesh.config.store;

import static io.paymesh.config.store.EtcdCalls.await;
import static io.paymesh.config.store.EtcdCalls.bytes;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.paymesh.config.validation.ValidationError;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers service instances under {@code <prefix>endpoints/<service>/<id>}, each attached to an
 * etcd lease, so an instance that dies (stops renewing) drops out of the mesh after its TTL. The
 * watcher turns these keys into the endpoints of a {@link PolicySnapshot}.
 */
public final class EndpointRegistry implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration MIN_RETRY = Duration.ofMillis(100);
  private static final Duration MAX_RETRY = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(EndpointRegistry.class);

  private final Client client;
  private final KeyLayout keys;
  private final Duration timeout;
  private final ScheduledThreadPoolExecutor retries;
  private final Set<Registration> live = ConcurrentHashMap.newKeySet();

  public EndpointRegistry(Client client, String prefix) {
    this(client, prefix, DEFAULT_TIMEOUT);
  }

  public EndpointRegistry(Client client, String prefix, Duration timeout) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = new KeyLayout(prefix);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.retries =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "paymesh-endpoint-registry");
              t.setDaemon(true);
              return t;
            });
    retries.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /**
   * Registers the instance under a lease of {@code ttl} (whole seconds, at least 1) and keeps the
   * lease alive until {@link Registration#close()}. If the lease is lost anyway (etcd was
   * unreachable for longer than the TTL), the instance is registered again under a new lease.
   */
  public Registration register(Endpoint endpoint, Duration ttl) {
    Registration registration = new Registration(endpoint, ttlSeconds(ttl), true);
    registration.establish();
    live.add(registration);
    return registration;
  }

  /**
   * Registers the instance under a lease that is NOT kept alive: the key disappears after
   * {@code ttl}. For tests of expiry, and for one-shot announcements.
   */
  public Registration registerOnce(Endpoint endpoint, Duration ttl) {
    Registration registration = new Registration(endpoint, ttlSeconds(ttl), false);
    registration.establish();
    return registration;
  }

  /** Revokes every kept-alive registration of this registry. */
  @Override
  public void close() {
    for (Registration registration : List.copyOf(live)) {
      registration.close();
    }
    retries.shutdownNow();
  }

  private static long ttlSeconds(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    // etcd leases have whole-second TTLs; round up so the instance never expires early.
    return Math.max(1, (ttl.toMillis() + 999) / 1000);
  }

  /** One registered instance; closing it revokes its lease, which deletes the key at once. */
  public final class Registration implements AutoCloseable {
    private final Endpoint endpoint;
    private final String key;
    private final String value;
    private final long ttlSeconds;
    private final boolean keepAlive;
    private final Backoff backoff = new Backoff(MIN_RETRY, MAX_RETRY);
    private volatile long leaseId;
    private volatile CloseableClient keepAliveHandle;
    private volatile boolean closed;

    private Registration(Endpoint endpoint, long ttlSeconds, boolean keepAlive) {
      List<ValidationError> errors = EndpointCodec.validate(endpoint);
      if (!errors.isEmpty()) {
        throw new IllegalArgumentException("invalid endpoint " + endpoint + ": " + errors);
      }
      this.endpoint = endpoint;
      this.key = keys.endpointKey(endpoint.service(), endpoint.id());
      this.value = EndpointCodec.toJson(endpoint);
      this.ttlSeconds = ttlSeconds;
      this.keepAlive = keepAlive;
    }

    public Endpoint endpoint() {
      return endpoint;
    }

    public String key() {
      return key;
    }

    /** The current lease; it changes if the registration had to be renewed under a new lease. */
    public long leaseId() {
      return leaseId;
    }

    private synchronized void establish() {
      long lease = await(client.getLeaseClient().grant(ttlSeconds), timeout, "lease grant")
          .getID();
      await(client.getKVClient().put(bytes(key), bytes(value),
          PutOption.builder().withLeaseId(lease).build()), timeout, "register " + key);
      leaseId = lease;
      if (keepAlive) {
        keepAliveHandle = client.getLeaseClient().keepAlive(lease, new LeaseLossObserver(
            "lease of " + key, () -> {
              if (!closed) {
                scheduleReestablish(lease, Duration.ZERO);
              }
            }));
      }
      LOG.info("Registered {} under lease {} (ttl {}s{})", key, Long.toHexString(lease),
          ttlSeconds, keepAlive ? ", kept alive" : ", not renewed");
    }

    /** The lease is gone; register again under a new one, with backoff while etcd is away. */
    private void reestablish(long lostLease) {
      if (closed || lostLease != leaseId) {
        return;
      }
      try {
        synchronized (this) {
          if (closed || lostLease != leaseId) {
            return;
          }
          CloseableClient old = keepAliveHandle;
          if (old != null) {
            old.close();
          }
          establish();
        }
        backoff.reset();
      } catch (PolicyStoreException e) {
        Duration delay = backoff.nextDelay();
        LOG.warn("Cannot re-register {} (attempt {}): {}; retrying in {}", key,
            backoff.failures(), e.getMessage(), delay);
        scheduleReestablish(lostLease, delay);
      }
    }

    private void scheduleReestablish(long lostLease, Duration delay) {
      try {
        retries.schedule(() -> reestablish(lostLease), delay.toMillis(), TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("Registry closed; not re-registering {}", key, e);
      }
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
        CloseableClient handle = keepAliveHandle;
        if (handle != null) {
          handle.close();
        }
      }
      live.remove(this);
      try {
        await(client.getLeaseClient().revoke(leaseId), timeout, "revoke lease of " + key);
        LOG.info("Deregistered {}", key);
      } catch (PolicyStoreException e) {
        // The lease expires by itself after its TTL; nothing else to do.
        LOG.warn("Cannot revoke lease of {}: {}; it expires within {}s", key, e.getMessage(),
            ttlSeconds);
      }
    }
  }
}
