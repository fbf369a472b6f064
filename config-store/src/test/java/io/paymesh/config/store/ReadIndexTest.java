package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The index finds exactly the readers, and through exactly the inputs, that asking each reader's
 * log finds ({@link ReadLog#inputsTouchedBy}); and it forgets what a reader read before.
 */
class ReadIndexTest {
  private static final int SERVICES = 30;
  private static final int READERS = 60;
  private static final int CHANGES = 200;

  @Test
  void findsWhatEveryLogFinds_overSeededRandomReadsAndChanges() {
    Random random = new Random(20261201);
    PolicySnapshot policy = mesh();
    ReadIndex<Integer> index = new ReadIndex<>();
    Map<Integer, ReadLog> logs = new HashMap<>();
    for (int step = 0; step < CHANGES; step++) {
      // Some readers read again (a rebuild), some are forgotten (a removed group).
      for (int r = 0; r < READERS; r++) {
        int roll = random.nextInt(10);
        if (roll == 0 || !logs.containsKey(r) && roll < 5) {
          ReadLog log = randomReads(random, policy);
          logs.put(r, log);
          index.put(r, log);
        } else if (roll == 1) {
          logs.remove(r);
          index.remove(r);
        }
      }
      PolicySnapshot next = randomChange(random, policy, step + 2);
      // Now and then everything, as for a reader that has never read: every input changed whole.
      PolicyChanges changes = step % 10 == 9
          ? PolicyChanges.everything() : PolicyChanges.between(policy, next);

      Map<Integer, Set<PolicyInput>> expected = new HashMap<>();
      logs.forEach((reader, log) -> {
        Set<PolicyInput> inputs = log.inputsTouchedBy(changes);
        if (!inputs.isEmpty()) {
          expected.put(reader, inputs);
        }
      });
      assertThat(index.touchedBy(changes)).as("step %d: %s", step, changes).isEqualTo(expected);
      assertThat(index.size()).isEqualTo(logs.size());
      policy = next;
    }
  }

  @Test
  void aReaderPutAgain_isReachedOnlyThroughWhatItReadLast() {
    PolicySnapshot before = mesh();
    ReadIndex<String> index = new ReadIndex<>();
    ReadLog first = new ReadLog();
    before.recording(first).endpointsOf("s-1");
    index.put("group", first);
    ReadLog second = new ReadLog();
    before.recording(second).endpointsOf("s-2");
    index.put("group", second);

    assertThat(index.touchedBy(PolicyChanges.between(before, moved(before, "s-1")))).isEmpty();
    assertThat(index.touchedBy(PolicyChanges.between(before, moved(before, "s-2"))))
        .isEqualTo(Map.of("group", Set.of(PolicyInput.ENDPOINTS)));
    index.remove("group");
    assertThat(index.touchedBy(PolicyChanges.between(before, moved(before, "s-2")))).isEmpty();
    assertThat(index.touchedBy(PolicyChanges.everything())).isEmpty();
  }

  /** Reads by name of services and endpoints, and now and then a whole input. */
  private static ReadLog randomReads(Random random, PolicySnapshot policy) {
    ReadLog log = new ReadLog();
    PolicySnapshot view = policy.recording(log);
    int reads = 1 + random.nextInt(8);
    for (int i = 0; i < reads; i++) {
      String name = "s-" + random.nextInt(SERVICES + 3);
      switch (random.nextInt(12)) {
        case 0 -> view.endpoints().size();
        case 1 -> view.services().size();
        case 2, 3, 4, 5 -> view.endpointsOf(name);
        default -> view.services().get(name);
      }
    }
    return log;
  }

  /** Endpoints moved, a service changed, removed or added: one or two of them. */
  private static PolicySnapshot randomChange(Random random, PolicySnapshot policy, long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision, policy);
    int edits = 1 + random.nextInt(2);
    for (int i = 0; i < edits; i++) {
      String name = "s-" + random.nextInt(SERVICES + 3);
      switch (random.nextInt(4)) {
        case 0 -> builder.remove(Kind.SERVICE, name);
        case 1 -> builder.add(TestDocuments.service(name, List.of("s-" + random.nextInt(3))));
        default -> builder.replaceEndpoints(name, List.of(new Endpoint(name, "i-1",
            "10.0.1." + (1 + random.nextInt(200)), 8443, "z", 1)));
      }
    }
    return builder.build();
  }

  private static PolicySnapshot moved(PolicySnapshot policy, String service) {
    return PolicySnapshot.builder(policy.revision() + 1, policy)
        .replaceEndpoints(service, List.of(new Endpoint(service, "i-1", "10.9.9.9", 9443, "z", 1)))
        .build();
  }

  private static PolicySnapshot mesh() {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(1);
    List<String> none = new ArrayList<>();
    for (int i = 0; i < SERVICES; i++) {
      String name = "s-" + i;
      builder.add(TestDocuments.service(name, none));
      builder.addEndpoint(new Endpoint(name, "i-1", "10.0.0." + (i + 1), 8443, "z", 1));
    }
    return builder.build();
  }
}
