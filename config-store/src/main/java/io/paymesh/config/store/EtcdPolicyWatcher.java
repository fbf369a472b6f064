package io.paymesh.config.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.paymesh.config.codec.PolicyCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read side of the policy store: lists {@code <prefix>policy/} and {@code <prefix>endpoints/} at
 * one revision R, publishes that as a {@link PolicySnapshot}, then watches the key range that holds
 * both ({@link KeyLayout#policyInputRangeStart}; one watch, so events stay in revision order) from
 * R+1 and publishes a new snapshot per change or burst of changes: at once after a quiet spell,
 * and within a burst when it pauses for the coalesce window (see {@link Debounce}).
 *
 * <p>Everything — applying events, building and publishing snapshots, reconnecting — runs on one
 * thread, so snapshots are published in revision order and the listener is never called
 * concurrently. If the watch breaks (etcd restarted or unreachable) the last snapshot stays
 * published and the watch resumes from the last applied revision + 1 with bounded backoff; if that
 * revision has been compacted away, the prefix is listed again and the difference published.
 * Etcd's progress notifications move that revision on while the policy is quiet and the rest of
 * the store is not, so a resume after a compaction rarely has to list again.
 */
public final class EtcdPolicyWatcher implements AutoCloseable {
  public static final Duration DEFAULT_COALESCE_WINDOW = Duration.ofMillis(100);
  static final Duration MIN_BACKOFF = Duration.ofMillis(100);
  static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
  /** A list that takes longer than this is treated as failed and retried. */
  static final Duration LIST_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Bounds each read of a damaged document's history. The reads block the watcher thread, which
   * is acceptable because they happen only for a document damaged before this watcher saw a good
   * version of it, and at most {@link PolicyHistory#MAX_VERSIONS_BACK} times per such document.
   */
  static final Duration HISTORY_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Logger LOG = LoggerFactory.getLogger(EtcdPolicyWatcher.class);

  private final Client client;
  private final KeyLayout keys;
  private final StoredEntryDecoder decoder;
  private final PolicyListing listing;
  private final PolicyHistory history;
  private final Duration coalesceWindow;
  private final Consumer<PolicySnapshot> listener;
  private final ScheduledExecutorService thread;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean closed;
  private volatile boolean watching;
  private volatile PolicySnapshot published;
  private volatile Thread watcherThread;
  private final AtomicLong eventsReceived = new AtomicLong();

  // Confined to `thread`.
  private final Backoff backoff = new Backoff(MIN_BACKOFF, MAX_BACKOFF);
  private PolicyView view = new PolicyView();
  private boolean listedOnce;
  // Written only on `thread`; volatile so that revision() may be read from any thread.
  private volatile long revision;
  /** Bumped whenever the current list/watch is superseded; callbacks of older ones are dropped. */
  private long generation;
  private Watch.Watcher activeWatch;
  private ScheduledFuture<?> pendingFlush;
  private final Debounce debounce;
  private boolean lost;

  /**
   * @param prefix key prefix such as {@link EtcdSettings#DEFAULT_PREFIX}
   * @param coalesceWindow the pause that ends a burst of changes; the first change after such a
   *     pause is published at once
   * @param listener receives every new snapshot, on the watcher thread; it must not block for long
   */
  public EtcdPolicyWatcher(
      Client client,
      String prefix,
      PolicyCodec codec,
      Duration coalesceWindow,
      Consumer<PolicySnapshot> listener) {
    this.client = Objects.requireNonNull(client, "client");
    this.keys = new KeyLayout(prefix);
    this.decoder = new StoredEntryDecoder(keys, Objects.requireNonNull(codec, "codec"));
    this.listing = new PolicyListing(keys, decoder);
    this.history = new PolicyHistory(client.getKVClient(), decoder, HISTORY_TIMEOUT);
    if (coalesceWindow.isNegative()) {
      throw new IllegalArgumentException("coalesce window must not be negative: " + coalesceWindow);
    }
    this.coalesceWindow = coalesceWindow;
    this.debounce = new Debounce(coalesceWindow.toNanos());
    this.listener = Objects.requireNonNull(listener, "listener");
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "paymesh-policy-watcher");
              t.setDaemon(true);
              watcherThread = t;
              return t;
            });
    // close() must not wait for a pending reconnect delay of up to MAX_BACKOFF.
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    executor.setRemoveOnCancelPolicy(true);
    this.thread = executor;
  }

  /** Starts listing and watching in the background; the first snapshot follows the first list. */
  public void start() {
    if (closed) {
      throw new IllegalStateException("watcher is closed");
    }
    if (started.compareAndSet(false, true)) {
      LOG.info("Starting policy watcher on {} (coalesce window {})", keys.prefix(), coalesceWindow);
      submit(this::list);
    }
  }

  /** The last published snapshot; empty until the first list has completed. */
  public Optional<PolicySnapshot> current() {
    return Optional.ofNullable(published);
  }

  /** The etcd revision up to which this watcher has seen the policy input. */
  long revision() {
    return revision;
  }

  /** Watch events received since start (writes outside the policy input range never arrive). */
  long eventsReceived() {
    return eventsReceived.get();
  }

  /** True while a watch stream is established; false while (re)connecting. */
  public boolean isWatching() {
    return watching;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    submit(this::cancelWatch);
    thread.shutdown();
    if (Thread.currentThread() == watcherThread) {
      // Closed from the listener: the queued cancel runs right after this task returns.
      return;
    }
    try {
      if (!thread.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      thread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    watching = false;
    LOG.info("Policy watcher on {} closed", keys.prefix());
  }

  // ---- list ----

  private void list() {
    if (closed) {
      return;
    }
    long gen = supersede();
    try {
      listing
          .read(client.getKVClient())
          .orTimeout(LIST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((response, error) -> submit(() -> onListed(gen, response, error)));
    } catch (RuntimeException e) {
      // e.g. the client was closed under us: retried like any failed list.
      onListed(gen, null, e);
    }
  }

  private void onListed(long gen, TxnResponse response, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    if (error != null) {
      Duration delay = backoff.nextDelay();
      LOG.warn("Cannot list {} from etcd (attempt {}): {}; keeping {}, retrying in {}",
          keys.prefix(), backoff.failures(), describe(error), describePublished(), delay);
      schedule(gen, this::list, delay);
      return;
    }
    long listRevision = response.getHeader().getRevision();
    PolicyView listed = new PolicyView();
    listing.decode(response, (key, entry) -> apply(listed, key, entry));
    for (RejectedDocument damaged : listed.damagedWithoutLastGood()) {
      recoverLastGood(listed, damaged, view.lastGood(damaged.key()));
    }
    PolicyView.Diff diff = view.diff(listed);
    view = listed;
    revision = listRevision;
    cancelFlush();
    if (listedOnce) {
      LOG.warn("Re-listed {} at revision {}: {} added, {} removed, {} changed",
          keys.prefix(), listRevision, diff.added(), diff.removed(), diff.changed());
    } else {
      LOG.info("Listed {} at revision {}: {} entries", keys.prefix(), listRevision, listed.size());
    }
    listedOnce = true;
    // Publishes the listed view, which also supersedes whatever the debounce was holding back.
    flush();
    startWatch();
  }

  // ---- watch ----

  private void startWatch() {
    if (closed) {
      return;
    }
    long gen = supersede();
    long from = revision + 1;
    WatchOption option = WatchOption.builder()
        .withRange(bytes(keys.policyInputRangeEnd()))
        .withRevision(from)
        .withCreateNotify(true)
        .withProgressNotify(true)
        .build();
    try {
      activeWatch = client.getWatchClient()
          .watch(bytes(keys.policyInputRangeStart()), option, new Listener(gen));
    } catch (RuntimeException e) {
      onWatchError(gen, e);
    }
  }

  private void onWatchResponse(long gen, WatchResponse response) {
    if (closed || gen != generation) {
      return;
    }
    if (response.isCreatedNotify()) {
      watching = true;
      backoff.reset();
      if (lost) {
        lost = false;
        LOG.info("Watch of the policy input under {} resumed from revision {}", keys.prefix(),
            revision + 1);
      } else {
        LOG.info("Watching the policy input under {} from revision {}", keys.prefix(),
            revision + 1);
      }
      return;
    }
    if (response.isProgressNotify()) {
      // Etcd has sent every event of the range up to the header's revision.
      revision = Math.max(revision, response.getHeader().getRevision());
      return;
    }
    boolean applied = false;
    eventsReceived.addAndGet(response.getEvents().size());
    for (WatchEvent event : response.getEvents()) {
      KeyValue kv = event.getKeyValue();
      String key = string(kv.getKey());
      revision = Math.max(revision, kv.getModRevision());
      switch (event.getEventType()) {
        case PUT -> {
          Optional<StoredEntry> entry =
              decoder.decode(key, string(kv.getValue()), kv.getModRevision());
          if (entry.isPresent()) {
            apply(view, key, entry.get());
            view.damagedWithoutLastGood(key)
                .ifPresent(damaged -> recoverLastGood(view, damaged, Optional.empty()));
            applied = true;
          }
        }
        case DELETE -> {
          // Deletes outside the policy input (consumed join tokens, expired proxy status) are
          // frequent; they must not schedule a rebuild.
          if (view.remove(key)) {
            applied = true;
          }
        }
        case UNRECOGNIZED -> LOG.warn("Ignoring unrecognized watch event on {}", key);
      }
    }
    if (applied) {
      scheduleFlush();
    }
  }

  private void onWatchError(long gen, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    supersede();
    if (isCompacted(error)) {
      LOG.warn("Watch on {} cannot resume from revision {}: {}; re-listing",
          keys.prefix(), revision + 1, describe(error));
      list();
      return;
    }
    Duration delay = backoff.nextDelay();
    if (!lost) {
      lost = true;
      LOG.warn("Lost watch on {} after revision {}: {}; keeping {}, retrying", keys.prefix(),
          revision, describe(error), describePublished());
    }
    LOG.debug("Watch retry {} in {}", backoff.failures(), delay);
    schedule(generation, this::startWatch, delay);
  }

  /** The history we need is gone (compacted, or etcd came back with older data): list again. */
  private static boolean isCompacted(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof CompactedException) {
        return true;
      }
      if (t instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.OUT_OF_RANGE) {
        return true;
      }
    }
    return false;
  }

  // ---- publish ----

  private void apply(PolicyView target, String key, StoredEntry entry) {
    if (entry instanceof StoredEntry.Rejected rejected) {
      // At DEBUG: the snapshot lists every rejection and its consumer reports it once per change
      // (the xds-server's DamagedDocumentReport), escaped, as the stored text is not ours.
      LOG.debug("Rejected {} at revision {}: {}", key, rejected.document().modRevision(),
          String.join("; ", rejected.document().errors()));
    }
    target.put(key, entry);
  }

  /**
   * Looks for the last good version of a damaged key in etcd's history, and keeps it. After a
   * re-list, the version the previous view remembered is kept when the history no longer
   * reaches back to it (compacted), unless the history shows the key was created since.
   */
  private void recoverLastGood(PolicyView target, RejectedDocument damaged,
      Optional<StoredEntry.Document> remembered) {
    PolicyHistory.Search search = history.search(damaged.key(), damaged.modRevision());
    Optional<StoredEntry.Document> found = search.found()
        .or(() -> search.reachedCreation() ? Optional.empty() : remembered);
    found.ifPresentOrElse(
        good -> {
          LOG.warn("Serving {} as of revision {}, its last good version, in place of the damaged "
              + "revision {}", damaged.key(), good.modRevision(), damaged.modRevision());
          target.keep(damaged.key(), good);
        },
        () -> LOG.warn("No last good version of damaged {} within {} versions: it is left out",
            damaged.key(), PolicyHistory.MAX_VERSIONS_BACK));
  }

  /** A change was applied to the view: publish it now or when the burst it is part of ends. */
  private void scheduleFlush() {
    long delay = debounce.changed(System.nanoTime());
    if (delay == Debounce.NOW) {
      flush();
    } else if (delay != Debounce.ALREADY_SCHEDULED) {
      pendingFlush = thread.schedule(this::flushIfDue, delay, TimeUnit.NANOSECONDS);
    }
  }

  private void flushIfDue() {
    long wait = debounce.due(System.nanoTime());
    if (wait == Debounce.NOW) {
      flush();
    } else {
      pendingFlush = thread.schedule(this::flushIfDue, wait, TimeUnit.NANOSECONDS);
    }
  }

  private void cancelFlush() {
    if (pendingFlush != null) {
      pendingFlush.cancel(false);
      pendingFlush = null;
    }
  }

  private void flush() {
    pendingFlush = null;
    debounce.flushed();
    if (!closed) {
      publishIfChanged(view.toSnapshot(revision));
    }
  }

  private void publishIfChanged(PolicySnapshot snapshot) {
    PolicySnapshot previous = published;
    if (previous != null && snapshot.sameContentAs(previous)) {
      LOG.debug("Revision {} changes nothing in the policy; not publishing", snapshot.revision());
      return;
    }
    published = snapshot;
    LOG.info("Publishing {}", snapshot);
    try {
      listener.accept(snapshot);
    } catch (RuntimeException e) {
      // The listener's failure is its own; the watcher must keep the store in view.
      LOG.error("Snapshot listener failed on {}", snapshot, e);
    }
  }

  // ---- plumbing ----

  /** Cancels the current watch and invalidates callbacks of the current list/watch. */
  private long supersede() {
    generation++;
    cancelWatch();
    return generation;
  }

  private void cancelWatch() {
    watching = false;
    if (activeWatch != null) {
      Watch.Watcher w = activeWatch;
      activeWatch = null;
      w.close();
    }
  }

  private void schedule(long gen, Runnable task, Duration delay) {
    try {
      thread.schedule(
          () -> {
            if (!closed && gen == generation) {
              task.run();
            }
          },
          delay.toMillis(),
          TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("Watcher closed; not scheduling", e);
    }
  }

  private void submit(Runnable task) {
    try {
      thread.execute(
          () -> {
            try {
              task.run();
            } catch (RuntimeException e) {
              LOG.error("Policy watcher task failed", e);
            }
          });
    } catch (RejectedExecutionException e) {
      LOG.debug("Watcher closed; dropping task", e);
    }
  }

  private String describePublished() {
    PolicySnapshot p = published;
    return p == null ? "no snapshot yet" : "snapshot at revision " + p.revision();
  }

  private static String describe(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == error ? String.valueOf(error) : error + " (" + root + ")";
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  private static String string(ByteSequence b) {
    return b.toString(StandardCharsets.UTF_8);
  }

  /** Hands jetcd callbacks (on its threads) to the watcher thread, tagged with their generation. */
  private final class Listener implements Watch.Listener {
    private final long gen;

    Listener(long gen) {
      this.gen = gen;
    }

    @Override
    public void onNext(WatchResponse response) {
      submit(() -> onWatchResponse(gen, response));
    }

    @Override
    public void onError(Throwable throwable) {
      submit(() -> onWatchError(gen, throwable));
    }

    @Override
    public void onCompleted() {
      submit(() -> onWatchError(gen, new IllegalStateException("watch stream ended")));
    }
  }
}
