package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A reader is touched by a change exactly when it read an entry that changed, or read an input
 * whole that changed anywhere, whichever of the two name sets is the larger.
 */
class ReadLogTest {
  private static final int SERVICES = 50;

  private final PolicySnapshot before = mesh(1, List.of());
  /** Two services' endpoints move: s-3 and s-40. */
  private final PolicySnapshot after = mesh(2, List.of("s-3", "s-40"));
  private final PolicyChanges changes = PolicyChanges.between(before, after);

  @Test
  void aReaderOfOneChangedEntry_isTouchedThroughThatInput() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    view.endpointsOf("s-40");
    view.endpointsOf("s-41");
    view.services().get("s-40");

    assertThat(log.touchedBy(changes)).isTrue();
    assertThat(log.inputsTouchedBy(changes)).containsExactly(PolicyInput.ENDPOINTS);
  }

  @Test
  void aReaderOfManyEntries_noneChanged_isNotTouched() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    IntStream.range(0, SERVICES).filter(i -> i != 3 && i != 40)
        .forEach(i -> view.endpointsOf("s-" + i));

    assertThat(log.touchedBy(changes)).isFalse();
    assertThat(log.inputsTouchedBy(changes)).isEmpty();
  }

  @Test
  void aReaderOfManyEntries_oneChanged_isTouched() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    IntStream.range(0, SERVICES).filter(i -> i != 40).forEach(i -> view.endpointsOf("s-" + i));

    assertThat(log.inputsTouchedBy(changes)).containsExactly(PolicyInput.ENDPOINTS);
  }

  @Test
  void aReaderOfAWholeInput_isTouchedByAnyChangeInIt() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    view.endpoints().size();

    assertThat(log.inputsTouchedBy(changes)).containsExactly(PolicyInput.ENDPOINTS);
  }

  @Test
  void everything_touchesEveryReaderThroughWhatItRead() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    view.services().get("s-1");
    view.endpointsOf("s-1");

    assertThat(log.inputsTouchedBy(PolicyChanges.everything()))
        .containsExactlyInAnyOrder(PolicyInput.SERVICE, PolicyInput.ENDPOINTS);
    assertThat(new ReadLog().touchedBy(PolicyChanges.everything())).isFalse();
  }

  @Test
  void noChange_touchesNobody() {
    ReadLog log = new ReadLog();
    PolicySnapshot view = before.recording(log);
    IntStream.range(0, SERVICES).forEach(i -> view.endpointsOf("s-" + i));

    assertThat(log.inputsTouchedBy(PolicyChanges.between(before, mesh(1, List.of()))))
        .isEqualTo(Set.of());
  }

  /** SERVICES services with one endpoint each; those in {@code moved} on another port. */
  private static PolicySnapshot mesh(long revision, List<String> moved) {
    PolicySnapshot.Builder builder = PolicySnapshot.builder(revision);
    for (int i = 0; i < SERVICES; i++) {
      String name = "s-" + i;
      builder.add(TestDocuments.service(name, List.of()));
      builder.addEndpoint(new Endpoint(name, "i-1", "10.0.0." + (i + 1),
          moved.contains(name) ? 9443 : 8443, "z", 1));
    }
    return builder.build();
  }
}
