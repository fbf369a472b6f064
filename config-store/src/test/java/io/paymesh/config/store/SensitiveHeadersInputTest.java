package io.paymesh.config.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.Gateway;
import io.paymesh.config.validation.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The mesh-wide set of sensitive headers is an input of its own: every group's access-log check
 * reads it, and only a change of the set, not any Gateway write, touches those readers.
 */
class SensitiveHeadersInputTest {

  private static PolicySnapshot with(long revision, Gateway gateway) {
    return PolicySnapshot.builder(revision).addAll(List.of(gateway)).build();
  }

  private static ReadLog readerOf(PolicySnapshot snapshot) {
    ReadLog log = new ReadLog();
    snapshot.recording(log).sensitiveHeaders();
    return log;
  }

  @Test
  void sensitiveHeaders_isTheLowerCaseUnionOfEveryGateway() {
    PolicySnapshot snapshot = PolicySnapshot.builder(1).addAll(List.of(
        Fixtures.gateway(g -> g.sensitiveHeaders = List.of("x-card-number")),
        Fixtures.gateway(g -> {
          g.name = "partner-api";
          g.sensitiveHeaders = List.of("x-pan", "x-card-number");
        }))).build();
    assertThat(snapshot.sensitiveHeaders()).containsExactly("x-card-number", "x-pan");
  }

  @Test
  void aGatewayWriteThatKeepsTheSet_touchesNoReaderOfIt() {
    PolicySnapshot before = with(1, Fixtures.gateway(g -> g.sensitiveHeaders = List.of("x-pan")));
    PolicySnapshot after = with(2, Fixtures.gateway(g -> {
      g.sensitiveHeaders = List.of("x-pan");
      g.listeners = List.of(new Gateway.Listener("https", 9443));
    }));

    assertThat(readerOf(before).touchedBy(PolicyChanges.between(before, after))).isFalse();
  }

  @Test
  void aGatewayWriteThatChangesTheSet_touchesEveryReaderOfIt() {
    PolicySnapshot before = with(1, Fixtures.gateway(g -> g.sensitiveHeaders = List.of("x-pan")));
    PolicySnapshot after = with(2, Fixtures.gateway(
        g -> g.sensitiveHeaders = List.of("x-pan", "x-card-number")));

    assertThat(readerOf(before).inputsTouchedBy(PolicyChanges.between(before, after)))
        .containsExactly(PolicyInput.SENSITIVE_HEADERS);
  }
}
