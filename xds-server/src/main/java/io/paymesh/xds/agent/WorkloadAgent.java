package io.paymesh.xds.agent;

import com.google.protobuf.ByteString;
import io.paymesh.identity.v1.SignRequest;
import io.paymesh.xds.identity.Certificates;
import io.paymesh.xds.identity.Pem;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one workload's certificate current: gets the first one (join token, or renewal of a valid
 * stored one), then renews at about half its lifetime with backoff on failure until it expires.
 * {@link WorkloadAgentMain} is its command line; tests and embedders drive it directly.
 */
public final class WorkloadAgent implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadAgent.class);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /** NEW until {@link #start()}; RUNNING while renewing; EXPIRED or CLOSED at the end. */
  public enum State { NEW, RUNNING, EXPIRED, CLOSED }

  private final WorkloadAgentOptions options;
  private final Clock clock;
  private final IdentityStore store;
  private final CaClient ca;
  private final RenewalTiming timing;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  /** Held by each renewal attempt, so a forced one and a scheduled one never overlap. */
  private final ReentrantLock renewing = new ReentrantLock();
  private final CompletableFuture<Void> terminated = new CompletableFuture<>();
  private final AtomicLong renewals = new AtomicLong();

  private volatile State state = State.NEW;
  private volatile WorkloadIdentity current;
  private volatile int consecutiveFailures;
  private volatile String lastFailure = "none";
  private volatile ScheduledFuture<?> pending;
  /** Set by each issuance: when the certificate it obtained is due for renewal. */
  private volatile Instant nextRenewal;

  public WorkloadAgent(WorkloadAgentOptions options) {
    this.options = options;
    this.clock = options.clock();
    this.store = new IdentityStore(options.dir(), clock);
    this.ca = new CaClient(options.caTargets(), options.rpcDeadline());
    this.timing = new RenewalTiming(options.retryInitial(), options.retryCap(), options.random());
    this.ownScheduler = options.scheduler().isEmpty();
    this.scheduler = options.scheduler().orElseGet(() ->
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "paymesh-agent-" + options.service());
          t.setDaemon(true);
          return t;
        }));
  }

  /**
   * Gets a certificate now, on the calling thread, then renews it in the background. With a
   * valid certificate already in the directory (a restart), renews that one instead of using
   * the join token; if that renewal fails the stored certificate is kept and the renewal retried.
   *
   * @throws IssuanceException if there is no valid stored certificate and none could be obtained
   */
  public synchronized void start() throws IssuanceException {
    if (state != State.NEW) {
      throw new IllegalStateException("already " + state);
    }
    Optional<WorkloadIdentity> stored = validStoredIdentity();
    if (stored.isPresent()) {
      current = stored.get();
      state = State.RUNNING;
      LOG.info("found {} in {}; renewing it", current, store.dir());
      attemptRenewal(); // a failure is retried with backoff: the stored certificate still works
      return;
    }
    WorkloadIdentity first = firstIssuance();
    current = first;
    state = State.RUNNING;
    scheduleAt(nextRenewal);
  }

  /**
   * One certificate and no renewals (the command line's {@code --once}): renews the stored one
   * if it is still valid, else gets a first one with the join token.
   */
  public synchronized X509Certificate issueOnce() throws IssuanceException {
    if (state != State.NEW) {
      throw new IllegalStateException("already " + state);
    }
    Optional<WorkloadIdentity> stored = validStoredIdentity();
    if (stored.isPresent()) {
      current = renew(stored.get());
      renewals.incrementAndGet();
    } else {
      current = firstIssuance();
    }
    return current.leaf();
  }

  /**
   * Renews now, on the agent's scheduler, and waits for the outcome. A failure is also retried
   * with backoff as usual.
   */
  public void renewNow() throws IssuanceException {
    if (state != State.RUNNING) {
      throw new IllegalStateException("not running: " + state);
    }
    Future<IssuanceException> outcome = scheduler.submit(this::attemptRenewal);
    IssuanceException failure;
    try {
      failure = outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IssuanceException("interrupted while renewing");
    } catch (ExecutionException | CancellationException e) {
      throw new IssuanceException("the agent stopped while renewing", e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The workload certificate in use (written last), or null before the first one. */
  public X509Certificate currentCertificate() {
    WorkloadIdentity identity = current;
    return identity == null ? null : identity.leaf();
  }

  /** Certificates obtained by renewal (authenticated by the previous certificate) so far. */
  public long renewalCount() {
    return renewals.get();
  }

  /** Failed renewal attempts since the last success. */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  public State state() {
    return state;
  }

  /**
   * Completes when the agent stops: normally on {@link #close()}, exceptionally with
   * {@link IdentityExpiredException} when the certificate expired without a renewal.
   */
  public CompletableFuture<Void> terminated() {
    return terminated.copy();
  }

  @Override
  public void close() {
    synchronized (this) {
      if (state != State.EXPIRED) {
        state = State.CLOSED;
      }
    }
    ScheduledFuture<?> next = pending;
    if (next != null) {
      next.cancel(false);
    }
    if (ownScheduler) {
      // Interrupts a renewal in flight; its half-written generation is never linked, so the
      // directory keeps the last complete identity.
      for (Runnable queued : scheduler.shutdownNow()) {
        if (queued instanceof Future<?> task) {
          task.cancel(false); // a renewNow() waiting on it returns instead of hanging
        }
      }
      try {
        if (!scheduler.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("renewal thread did not stop within {}", CLOSE_WAIT);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    terminated.complete(null);
  }

  // --- issuance -------------------------------------------------------------------------------

  private Optional<WorkloadIdentity> validStoredIdentity() {
    Optional<WorkloadIdentity> stored;
    try {
      stored = store.read();
    } catch (IOException e) {
      LOG.warn("ignoring the identity in {}: {}", store.dir(), e.getMessage());
      return Optional.empty();
    }
    if (stored.isPresent() && !clock.instant().isBefore(stored.get().notAfter())) {
      LOG.info("the stored {} has expired; a first certificate is needed", stored.get());
      return Optional.empty();
    }
    return stored;
  }

  private WorkloadIdentity firstIssuance() throws IssuanceException {
    String token;
    try {
      token = options.joinToken().read().orElseThrow(() -> new IssuanceException(
          "no valid certificate in " + store.dir() + " and no join token: give one with"
              + " --join-token-file or " + JoinTokenSource.ENVIRONMENT_VARIABLE));
    } catch (IOException e) {
      // The message of a failed read is the path; the token is not in it.
      throw new IssuanceException("cannot read the join token from " + options.joinToken()
          + ": " + e.getClass().getSimpleName() + " " + e.getMessage());
    }
    List<X509Certificate> bundle = deployTimeTrustBundle(options.trustBundleFile());
    return issue(SignRequest.newBuilder().setJoinToken(token), bundle, Optional.empty(), "first");
  }

  /** A renewal, authenticated by {@code presented} and trusting the bundle that came with it. */
  private WorkloadIdentity renew(WorkloadIdentity presented) throws IssuanceException {
    return issue(SignRequest.newBuilder(), presented.trustBundle(), Optional.of(presented),
        "renewed");
  }

  private WorkloadIdentity issue(SignRequest.Builder request, List<X509Certificate> trust,
      Optional<WorkloadIdentity> client, String kind) throws IssuanceException {
    KeyPair keys = Certificates.newP256KeyPair();
    request.setService(options.service())
        .setCsrDer(ByteString.copyFrom(WorkloadKeys.csrDer(keys, options.service())));
    CaClient.Signed signed = ca.sign(request.build(), trust, client);
    Instant received = clock.instant();
    WorkloadIdentity identity = IssuedIdentityCheck.check(signed.response(), keys, received);
    try {
      store.write(identity);
    } catch (IOException e) {
      throw new IssuanceException("cannot write the identity to " + store.dir() + ": "
          + e.getClass().getSimpleName() + " " + e.getMessage(), e);
    }
    nextRenewal = timing.renewalAt(identity.notBefore(), identity.notAfter(), received);
    LOG.info("{} {} from {}; renewal due at {}", kind, identity, signed.target(), nextRenewal);
    return identity;
  }

  private static List<X509Certificate> deployTimeTrustBundle(Path file) throws IssuanceException {
    try {
      return Pem.readCertificates(file);
    } catch (IOException e) {
      // The message starts with the file name.
      throw new IssuanceException("cannot read the trust bundle (" + e.getClass().getSimpleName()
          + "): " + e.getMessage());
    }
  }

  // --- renewal loop ---------------------------------------------------------------------------

  private void scheduleAt(Instant when) {
    long delay = Math.max(0, Duration.between(clock.instant(), when).toNanos());
    schedule(delay);
  }

  private void schedule(long delayNanos) {
    if (state == State.RUNNING) {
      pending = scheduler.schedule(this::attemptRenewal, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  /**
   * One renewal attempt and the scheduling of the next one: the renewal time on success, a
   * backoff on failure, nothing once the certificate has expired. Returns the failure, if any.
   */
  private IssuanceException attemptRenewal() {
    renewing.lock();
    try {
      if (state != State.RUNNING) {
        return null;
      }
      ScheduledFuture<?> previous = pending;
      if (previous != null) {
        previous.cancel(false); // a forced renewal replaces the scheduled one
      }
      WorkloadIdentity presented = current;
      if (!clock.instant().isBefore(presented.notAfter())) {
        return expire(presented);
      }
      IssuanceException failure;
      try {
        current = renew(freshest(presented));
        renewals.incrementAndGet();
        consecutiveFailures = 0;
        scheduleAt(nextRenewal);
        return null;
      } catch (IssuanceException e) {
        failure = e;
      } catch (RuntimeException e) {
        // A bug must not end the renewals silently: it is retried like any failure.
        LOG.error("renewal failed unexpectedly", e);
        failure = new IssuanceException("unexpected " + e.getClass().getSimpleName(), e);
      }
      if (state != State.RUNNING) {
        return failure; // closed meanwhile
      }
      consecutiveFailures++;
      lastFailure = failure.getMessage();
      Instant now = clock.instant();
      if (!now.isBefore(presented.notAfter())) {
        expire(presented);
        return failure;
      }
      Duration delay = timing.retryDelay(consecutiveFailures, now, presented.notAfter());
      LOG.warn("renewal failed ({} in a row): {}; retrying in {} ms,"
          + " the certificate is valid until {}",
          consecutiveFailures, lastFailure, delay.toMillis(), presented.notAfter());
      schedule(delay.toNanos());
      return failure;
    } finally {
      renewing.unlock();
    }
  }

  /**
   * The identity on disk if readable, else the one in memory. Re-read on each renewal: the trust
   * bundle in it is the CA's latest (it changes when the CA is rotated).
   */
  private WorkloadIdentity freshest(WorkloadIdentity inMemory) {
    try {
      return store.read().orElse(inMemory);
    } catch (IOException e) {
      LOG.warn("cannot read back {}: {}; renewing with the certificate in memory",
          store.dir(), e.getMessage());
      return inMemory;
    }
  }

  private IdentityExpiredException expire(WorkloadIdentity expired) {
    IdentityExpiredException e =
        new IdentityExpiredException(expired.spiffeId(), expired.notAfter(), lastFailure);
    state = State.EXPIRED;
    LOG.error(e.getMessage());
    terminated.completeExceptionally(e);
    return e;
  }
}
