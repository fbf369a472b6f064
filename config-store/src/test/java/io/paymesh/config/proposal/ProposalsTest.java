package io.paymesh.config.proposal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proposals in a real etcd: stored with their lifetime, read back, expired, withdrawn. */
class ProposalsTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String PREFIX = "/paymesh/";
  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");
  private static final ProposedChange LEDGER_CALLERS = new ProposedChange(
      new ResourceKey(Kind.AUTHORIZATION_POLICY, "ledger-callers"), 41,
      Optional.of("{\"kind\":\"AuthorizationPolicy\",\"name\":\"ledger-callers\",\"spec\":{}}"));

  private final MutableClock clock = new MutableClock(NOW);
  private Proposals proposals;

  @BeforeEach
  void fresh() throws Exception {
    ETCD.deleteAll();
    proposals = new Proposals(ETCD.client(), PREFIX, Duration.ofSeconds(10), clock);
  }

  @Test
  void aProposalReadsBackAsStored_untilItExpires() {
    StoredProposal stored = proposals.propose("sam", "CHG-42", false, List.of(LEDGER_CALLERS),
        List.of("AuthorizationPolicy/ledger-callers spec: changes who may call Service/ledger"),
        Duration.ofHours(24));

    Proposal read = proposals.get(stored.proposal().id()).orElseThrow().proposal();
    assertThat(read).isEqualTo(stored.proposal());
    assertThat(read.expiresAt()).isEqualTo(NOW.plus(Duration.ofHours(24)));
    assertThat(proposals.list()).containsExactly(stored);

    clock.advance(Duration.ofHours(24));
    assertThat(proposals.get(stored.proposal().id())).isEmpty();
    assertThat(proposals.list()).isEmpty();
  }

  @Test
  void withdrawDeletesOnlyTheRevisionTheCallerSaw() {
    StoredProposal stored = proposals.propose("sam", "CHG-42", false, List.of(LEDGER_CALLERS),
        List.of(), Duration.ofHours(1));
    String id = stored.proposal().id();

    assertThat(proposals.withdraw(id, stored.modRevision() + 1)).isFalse();
    assertThat(proposals.get(id)).isPresent();
    assertThat(proposals.withdraw(id, stored.modRevision())).isTrue();
    assertThat(proposals.get(id)).isEmpty();
    assertThat(proposals.withdraw(id, stored.modRevision())).isFalse();
  }

  @Test
  void ids_areRandom128BitHex_andAnythingElseIsNoProposal() {
    String a = proposals.propose("sam", "r", false, List.of(LEDGER_CALLERS), List.of(),
        Duration.ofHours(1)).proposal().id();
    String b = proposals.propose("sam", "r", false, List.of(LEDGER_CALLERS), List.of(),
        Duration.ofHours(1)).proposal().id();

    assertThat(a).matches("[0-9a-f]{32}").isNotEqualTo(b);
    assertThat(proposals.get("../policy/services/x")).isEmpty();
    assertThat(proposals.get(a.toUpperCase())).isEmpty();
  }

  @Test
  void aValueWrittenAroundTheApi_orUnderAnotherId_isNeverPending() throws Exception {
    StoredProposal stored = proposals.propose("sam", "r", false, List.of(LEDGER_CALLERS),
        List.of(), Duration.ofHours(1));
    String forged = "0".repeat(32);
    put(PREFIX + "proposals/" + forged, stored.proposal().toJson());
    put(PREFIX + "proposals/" + "1".repeat(32), "not json");

    assertThat(proposals.get(forged)).isEmpty();
    assertThat(proposals.list()).containsExactly(stored);
  }

  @Test
  void theLifetimeIsBounded() {
    assertThatThrownBy(() -> proposals.propose("sam", "r", false, List.of(LEDGER_CALLERS),
        List.of(), Duration.ofMinutes(4)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between");
    assertThatThrownBy(() -> proposals.propose("sam", "r", false, List.of(LEDGER_CALLERS),
        List.of(), Duration.ofDays(8)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between");
  }

  private static void put(String key, String value) throws Exception {
    ETCD.client().getKVClient().put(ByteSequence.from(key, StandardCharsets.UTF_8),
        ByteSequence.from(value, StandardCharsets.UTF_8)).get();
  }
}
