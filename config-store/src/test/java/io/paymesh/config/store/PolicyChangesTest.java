package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Kind;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The names a change touches are exactly those added, removed or no longer equal, whether the
 * new snapshot is made from the old one (sharing entries) or built from scratch.
 */
class PolicyChangesTest {
  private static final int NAMES = 40;
  private static final int STEPS = 300;

  @Test
  void namesChanged_areTheNamesWhoseEntryDiffers_overSeededRandomChanges() {
    Random random = new Random(20261202);
    PolicySnapshot policy = PolicySnapshot.builder(1).build();
    for (int step = 0; step < STEPS; step++) {
      PolicySnapshot next = randomChange(random, policy, step + 2);
      // Now and then the same content built from scratch: no entry or map is shared.
      PolicySnapshot compared = step % 7 == 6 ? fromScratch(next) : next;
      PolicyChanges changes = PolicyChanges.between(policy, compared);

      assertThat(changes.changedNames(PolicyInput.SERVICE)).as("step %d services", step)
          .isEqualTo(differing(policy.services(), compared.services()));
      assertThat(changes.changedNames(PolicyInput.ENDPOINTS)).as("step %d endpoints", step)
          .isEqualTo(differing(policy.endpoints(), compared.endpoints()));
      policy = next;
    }
  }

  @Test
  void theSameContentBuiltFromScratch_changesNothing() {
    PolicySnapshot policy = randomChange(new Random(1), PolicySnapshot.builder(1).build(), 2);
    PolicyChanges changes = PolicyChanges.between(policy, fromScratch(policy));

    assertThat(changes.changedNames(PolicyInput.SERVICE)).isEmpty();
    assertThat(changes.changedNames(PolicyInput.ENDPOINTS)).isEmpty();
  }

  /** The names in either map whose entries are not equal (one of them absent included). */
  private static <V> Set<String> differing(Map<String, V> before, Map<String, V> after) {
    Set<String> names = new HashSet<>(before.keySet());
    names.addAll(after.keySet());
    names.removeIf(name -> before.containsKey(name) == after.containsKey(name)
        && Objects.equals(before.get(name), after.get(name)));
    return names;
  }

  /** Services and endpoints put, changed, put again unchanged or removed: up to four edits. */
  private static PolicySnapshot randomChange(Random random, PolicySnapshot policy, long revision) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision, policy);
    int edits = 1 + random.nextInt(4);
    for (int i = 0; i < edits; i++) {
      String name = "s-" + random.nextInt(NAMES);
      switch (random.nextInt(5)) {
        case 0 -> builder.remove(Kind.SERVICE, name);
        case 1 -> builder.add(TestDocuments.service(name, List.of()));
        case 2 -> builder.add(TestDocuments.service(name, List.of("s-" + random.nextInt(3))));
        case 3 -> builder.replaceEndpoints(name, List.of());
        default -> builder.replaceEndpoints(name, List.of(new Endpoint(name, "i-1",
            "10.0.0." + (1 + random.nextInt(3)), 8443, "z", 1)));
      }
    }
    return builder.build();
  }

  private static PolicySnapshot fromScratch(PolicySnapshot policy) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(policy.revision());
    builder.addAll(policy.resources());
    policy.endpoints().values().forEach(list -> list.forEach(builder::addEndpoint));
    return builder.build();
  }
}
