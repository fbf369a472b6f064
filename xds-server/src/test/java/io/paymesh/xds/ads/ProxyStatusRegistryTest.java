package io.paymesh.xds.ads;

import static org.assertj.core.api.Assertions.assertThat;

import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The registry finds a node's open streams in stream order whatever order they opened and
 * closed in, and its newest open stream is the one a reconnected proxy uses; it knows which
 * types of a stream await an answer.
 */
class ProxyStatusRegistryTest {
  private static final ProxyGroup GROUP = new ProxyGroup("checkout", ClientFamily.ENVOY);
  private static final String CDS = Resources.V3.CLUSTER_TYPE_URL;
  private static final String LDS = Resources.V3.LISTENER_TYPE_URL;

  private final ProxyStatusRegistry registry = new ProxyStatusRegistry(Clock.systemUTC());

  @Test
  void aReconnectingNode_hasBothStreamsInStreamOrder_andTheNewestIsItsLatest() {
    // The newer stream's first request arrives first.
    registry.opened(8, "checkout~pod-1", GROUP);
    registry.opened(7, "checkout~pod-1", GROUP);
    registry.opened(9, "checkout~pod-2", GROUP);

    assertThat(registry.byNode("checkout~pod-1")).extracting(s -> s.streamId())
        .containsExactly(7L, 8L);
    assertThat(registry.latestOf("checkout~pod-1")).map(s -> s.streamId()).contains(8L);

    registry.closed(8);
    assertThat(registry.latestOf("checkout~pod-1")).map(s -> s.streamId()).contains(7L);
    registry.closed(7);
    assertThat(registry.byNode("checkout~pod-1")).isEmpty();
    assertThat(registry.latestOf("checkout~pod-1")).isEmpty();
    assertThat(registry.latestOf("checkout~pod-2")).map(s -> s.streamId()).contains(9L);
  }

  @Test
  void aStream_isInTransit_whileARequestOrResponseIsUnanswered_andListenersHearOnlyTheAnswers() {
    List<String> heard = new ArrayList<>();
    registry.addListener(heard::add);
    registry.opened(1, "checkout~pod-1", GROUP);
    assertThat(registry.latestOf("checkout~pod-1").orElseThrow().inTransit()).isFalse();

    registry.awaiting(1, CDS);
    registry.awaiting(1, LDS);
    registry.awaiting(1, CDS);
    assertThat(registry.latestOf("checkout~pod-1").orElseThrow().unanswered())
        .containsExactlyInAnyOrder(CDS, LDS);
    assertThat(heard).containsExactly("checkout~pod-1");

    registry.acked(1, CDS, "v1");
    assertThat(registry.latestOf("checkout~pod-1").orElseThrow().unanswered())
        .containsExactly(LDS);
    registry.nacked(1, LDS, "v2", "listener rejected");
    assertThat(registry.latestOf("checkout~pod-1").orElseThrow().inTransit()).isFalse();
    assertThat(heard).hasSize(3);
  }

  @Test
  void randomOpensAndCloses_agreeWithAPlainModel() {
    Random random = new Random(11);
    Map<String, TreeSet<Long>> model = new TreeMap<>();
    List<Long> open = new ArrayList<>();
    for (int step = 0; step < 2_000; step++) {
      if (open.isEmpty() || random.nextInt(3) > 0) {
        long id = 1 + random.nextInt(1_000);
        if (open.contains(id)) {
          continue;
        }
        String node = "n" + random.nextInt(20);
        registry.opened(id, node, GROUP);
        model.computeIfAbsent(node, n -> new TreeSet<>()).add(id);
        open.add(id);
      } else {
        long id = open.remove(random.nextInt(open.size()));
        registry.closed(id);
        model.values().forEach(ids -> ids.remove(id));
      }
      String node = "n" + random.nextInt(20);
      TreeSet<Long> expected = model.getOrDefault(node, new TreeSet<>());
      assertThat(registry.byNode(node)).extracting(s -> s.streamId())
          .as("step %d, %s", step, node).containsExactlyElementsOf(expected);
      assertThat(registry.latestOf(node).map(s -> s.streamId()))
          .isEqualTo(Optional.ofNullable(expected.isEmpty() ? null : expected.last()));
    }
  }

  @Test
  void streamsOfOneNodeOpeningAtOnce_areAllKept() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> opens = new ArrayList<>();
      for (long id = 1; id <= 400; id++) {
        long streamId = id;
        opens.add(threads.submit(() -> registry.opened(streamId, "checkout~pod-1", GROUP)));
      }
      for (Future<?> done : opens) {
        done.get();
      }
    } finally {
      threads.shutdownNow();
    }

    assertThat(registry.byNode("checkout~pod-1")).extracting(s -> s.streamId())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
  }
}
