package io.paymesh.config.identity;

import static io.paymesh.config.identity.IdentityEtcd.PREFIX;
import static io.paymesh.config.identity.IdentityEtcd.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.etcd.jetcd.KeyValue;
import io.paymesh.config.audit.AuditEntry;
import io.paymesh.config.audit.AuditLog;
import io.paymesh.config.idempotency.IdempotencyClaim;
import io.paymesh.config.idempotency.IdempotencyKeyUsedException;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.store.Actor;
import io.paymesh.config.store.KeyLayout;
import io.paymesh.config.store.Operation;
import io.paymesh.config.store.PolicyStoreException;
import io.paymesh.config.testing.EtcdExtension;
import io.paymesh.config.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdentityRevocationsTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Instant NOW = Instant.parse("2026-12-01T09:00:00.250Z");
  private static final KeyLayout KEYS = new KeyLayout(PREFIX);
  private static final ResourceKey CHECKOUT = new ResourceKey(Kind.SERVICE, "checkout");
  private static final Actor BOB = new Actor("bob", "INC-42 key leaked");

  private final MutableClock clock = new MutableClock(NOW);
  private IdentityRevocations revocations;

  @BeforeEach
  void setUp() throws Exception {
    ETCD.deleteAll();
    IdentityEtcd.writeServices(ETCD.client(), "checkout");
    revocations = new IdentityRevocations(ETCD.client(), PREFIX, Duration.ofSeconds(10), clock);
  }

  @Test
  void revokedAt_isEmptyUntilRevoked() {
    assertThat(revocations.revokedAt("checkout")).isEmpty();
    assertThat(revocations.get("checkout")).isEmpty();
  }

  @Test
  void revoke_underAUsedKey_revokesNothingMore_andStoredTheFirstRevocation() throws Exception {
    IdempotencyClaim claim = new IdempotencyClaim("bob", "revoke-1", "fp", "POST /v1/identities");
    IdentityRevocation first = revocations.revoke("checkout", new Actor("bob", null),
        Optional.of("INC-42 key leaked"), Optional.of(claim));
    clock.advance(Duration.ofMinutes(5));

    IdempotencyKeyUsedException used = catchThrowableOfType(IdempotencyKeyUsedException.class,
        () -> revocations.revoke("checkout", new Actor("bob", null),
            Optional.of("INC-42 key leaked"), Optional.of(claim)));

    assertThat(IdentityRevocations.revocationOf("checkout", used.record())).isEqualTo(first);
    assertThat(revocations.revokedAt("checkout")).contains(NOW);
  }

  @Test
  void revoke_storesWhenByWhomAndWhy_withAnAuditRecordOfTheSameRevision() throws Exception {
    IdentityRevocation revocation = revocations.revoke("checkout", BOB, Optional.empty());

    assertThat(revocation).isEqualTo(
        new IdentityRevocation("checkout", NOW, "bob", Optional.of("INC-42 key leaked")));
    assertThat(revocations.revokedAt("checkout")).contains(NOW);
    KeyValue stored = ETCD.client().getKVClient().get(bytes(KEYS.revocationKey("checkout")))
        .get(10, TimeUnit.SECONDS).getKvs().get(0);
    assertThat(stored.getValue().toString()).isEqualTo(
        "{\"revokedAt\":\"2026-12-01T09:00:00.250Z\",\"by\":\"bob\",\"reason\":\"INC-42 key leaked\"}");
    assertThat(new AuditLog(ETCD.client(), PREFIX).page(Optional.of(CHECKOUT), 0, 50).entries())
        .filteredOn(e -> e.operation() == Operation.REVOKE_IDENTITY)
        .containsExactly(new AuditEntry(stored.getModRevision(), NOW, "bob",
            Optional.of("INC-42 key leaked"), CHECKOUT, Operation.REVOKE_IDENTITY,
            Optional.empty(), Optional.empty()));
  }

  @Test
  void revoke_again_movesTheRevocationLater() {
    revocations.revoke("checkout", BOB, Optional.of("first"));
    clock.advance(Duration.ofHours(1));

    revocations.revoke("checkout", new Actor("carol", null), Optional.empty());

    assertThat(revocations.get("checkout")).contains(new IdentityRevocation("checkout",
        NOW.plus(Duration.ofHours(1)), "carol", Optional.empty()));
  }

  @Test
  void revoke_ofAServiceNoLongerInThePolicy_isRecorded() {
    revocations.revoke("decommissioned", BOB, Optional.of("gone"));

    assertThat(revocations.revokedAt("decommissioned")).contains(NOW);
    assertThat(revocations.revokedAt("checkout")).isEmpty();
  }

  @Test
  void get_ofAValueNotWrittenByPaymesh_failsClosed_namingTheKey() throws Exception {
    ETCD.client().getKVClient().put(bytes(KEYS.revocationKey("checkout")), bytes("yesterday"))
        .get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> revocations.revokedAt("checkout"))
        .isInstanceOf(PolicyStoreException.class)
        .hasMessageStartingWith("/paymesh/identity/revocations/checkout: not a revocation record:");
  }
}
