package io.paymesh.xds.load;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.DeleteOption;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.PolicyRepository;
import io.paymesh.config.validation.PolicyValidationException;
import io.paymesh.xds.bench.SyntheticPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the load tool's own write path (the RouteTable's codec and validation, the repository's
 * read and transaction, jetcd) before the tool times any put. A fresh JVM runs that path
 * interpreted for its first hundreds of calls: measured, the tool's put call took 17 ms at the
 * median over its first 30 changes and 9 ms over changes 60 to 100, time that belongs to the
 * measuring tool, not to the server it measures. The puts go to a scratch prefix that no server
 * watches, deleted afterwards.
 */
final class WritePathWarmup {
  /** Outside every prefix a server of a load run watches (see {@link #run}). */
  static final String SCRATCH_PREFIX = "/paymesh-load-tool-warmup/";

  private WritePathWarmup() {}

  /**
   * Refuses a watched prefix that overlaps {@link #SCRATCH_PREFIX}: the servers would see the
   * warm-up. The load tool checks it before it starts, not after the streams have connected.
   */
  static void requireApartFrom(String watchedPrefix) {
    if (SCRATCH_PREFIX.startsWith(watchedPrefix) || watchedPrefix.startsWith(SCRATCH_PREFIX)) {
      throw new IllegalArgumentException("the tool warms its write path under " + SCRATCH_PREFIX
          + ", which the watched prefix " + watchedPrefix + " overlaps: choose another --prefix");
    }
  }

  /**
   * Puts service 0's RouteTable {@code puts} times under {@link #SCRATCH_PREFIX}, each a real
   * change, then deletes everything under it.
   *
   * @param watchedPrefix the prefix the measured servers watch ({@link #requireApartFrom})
   * @return how long each put call took, in order
   */
  static List<Long> run(Client client, String watchedPrefix, int puts, Duration timeout)
      throws PolicyValidationException, InterruptedException, ExecutionException,
          TimeoutException {
    requireApartFrom(watchedPrefix);
    PolicyRepository scratch = new PolicyRepository(client, SCRATCH_PREFIX, new PolicyCodec());
    List<Long> calls = new ArrayList<>(puts);
    try {
      for (int i = 0; i < puts; i++) {
        long start = System.nanoTime();
        scratch.put(SyntheticPolicy.firstRouteTable(Duration.ofMillis(1000 + i)));
        calls.add(System.nanoTime() - start);
      }
    } finally {
      ByteSequence all = ByteSequence.from(SCRATCH_PREFIX, StandardCharsets.UTF_8);
      client.getKVClient().delete(all, DeleteOption.builder().isPrefix(true).build())
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
    return List.copyOf(calls);
  }
}
