package io.paymesh.xds.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The load tool's etcd floor, against a real etcd. */
class EtcdFloorTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void hearsEachWriteOfTheKey_atItsRevision_afterThePutStarted() throws Exception {
    try (EtcdFloor floor = EtcdFloor.watching(ETCD.client(), "/floor/watched", TIMEOUT)) {
      long firstStart = System.nanoTime();
      long first = put("/floor/watched", "a");
      long secondStart = System.nanoTime();
      long second = put("/floor/watched", "b");

      long firstHeard = floor.heardAt(first, TIMEOUT).orElseThrow();
      long secondHeard = floor.heardAt(second, TIMEOUT).orElseThrow();
      assertThat(firstHeard).isGreaterThan(firstStart).isLessThanOrEqualTo(secondHeard);
      assertThat(secondHeard).isGreaterThan(secondStart).isLessThanOrEqualTo(System.nanoTime());
    }
  }

  @Test
  void aRevisionOfAnotherKey_isNotHeard() throws Exception {
    try (EtcdFloor floor = EtcdFloor.watching(ETCD.client(), "/floor/only-this", TIMEOUT)) {
      long other = put("/floor/another", "x");
      long watched = put("/floor/only-this", "y");

      // A watch delivers events in revision order: once the later write is heard, an event of
      // the earlier one would have been too, so there is nothing to wait for.
      assertThat(floor.heardAt(watched, TIMEOUT)).isPresent();
      assertThat(floor.heardAt(other, Duration.ofMillis(1))).isEmpty();
    }
  }

  private static long put(String key, String value) throws Exception {
    Client client = ETCD.client();
    return client.getKVClient()
        .put(ByteSequence.from(key, StandardCharsets.UTF_8),
            ByteSequence.from(value, StandardCharsets.UTF_8))
        .get(30, TimeUnit.SECONDS).getHeader().getRevision();
  }
}
