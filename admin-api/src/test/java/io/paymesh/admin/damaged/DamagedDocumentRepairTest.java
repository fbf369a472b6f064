package io.paymesh.admin.damaged;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.etcd.jetcd.KeyValue;
import io.paymesh.admin.AdminConfiguration;
import io.paymesh.admin.testing.AdminApp;
import io.paymesh.admin.testing.Http;
import io.paymesh.admin.testing.KindSamples;
import io.paymesh.admin.testing.TestTokens;
import io.paymesh.config.model.Kind;
import io.paymesh.config.testing.EtcdExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An operator repairs a damaged document by overwriting it with If-Match on its damaged revision,
 * through every check a write goes through (roles, validation, Gate, four-eyes); without
 * If-Match, or with a stale one, the API answers 428 or 412 as for any document, and a refused
 * write changes nothing.
 */
class DamagedDocumentRepairTest {

  @RegisterExtension
  @Order(1)
  static final EtcdExtension ETCD = new EtcdExtension();

  @RegisterExtension
  @Order(2)
  static final DropwizardAppExtension<AdminConfiguration> APP = AdminApp.extension(ETCD);

  private static final Http HTTP = new Http(() -> APP.getLocalPort());
  private final DamagedDocuments etcd = new DamagedDocuments(ETCD);

  @BeforeEach
  void baseline() throws Exception {
    AdminApp.resetToBaseline(ETCD, HTTP);
  }

  @ParameterizedTest
  @EnumSource(KindSamples.class)
  void putWithIfMatchOnTheDamagedRevision_repairsIt(KindSamples sample) throws Exception {
    DamagedDocuments.create(HTTP, sample);
    long damaged = etcd.putRaw(sample.kind(), sample.documentName(),
        DamagedDocuments.damage(sample.first()));
    String etag = HTTP.get(sample.path()).token(TestTokens.VIEWER).send().etag();

    Http.Reply repaired = AdminApp.approveIfProposed(HTTP, HTTP.put(sample.path())
        .token(sample.token()).ifMatch(etag).reason("repair a hand edit")
        .yaml(sample.updated()).send());

    assertThat(repaired.status()).as(repaired.toString()).isEqualTo(200);
    Http.Reply read = HTTP.get(sample.path()).token(TestTokens.VIEWER).send();
    assertThat(read.json().has("damaged")).isFalse();
    assertThat(read.etagRevision()).isGreaterThan(damaged);
    assertThat(read.json().path("kind").asText()).isEqualTo(sample.kind().wireName());
    assertThat(DamagedDocuments.CODEC.decode(
        DamagedDocuments.text(etcd.stored(sample.kind(), sample.documentName()).orElseThrow())))
        .isEqualTo(DamagedDocuments.CODEC.decode(sample.updated()));
  }

  @Test
  void putWithoutIfMatch_is428_andWithAStaleOne_is412_andNothingChanges() throws Exception {
    KindSamples sample = KindSamples.SERVICE;
    long good = DamagedDocuments.create(HTTP, sample);
    etcd.putRaw(sample.kind(), sample.documentName(), "{not json");
    KeyValue before = etcd.stored(sample.kind(), sample.documentName()).orElseThrow();

    Http.Reply blind = HTTP.put(sample.path()).token(sample.token()).reason("repair")
        .yaml(sample.updated()).send();
    Http.Reply stale = HTTP.put(sample.path()).token(sample.token()).reason("repair")
        .ifMatch("\"" + good + "\"").yaml(sample.updated()).send();
    Http.Reply createOnly = HTTP.put(sample.path()).token(sample.token()).reason("repair")
        .header("If-None-Match", "*").yaml(sample.updated()).send();

    assertThat(blind.status()).as(blind.toString()).isEqualTo(428);
    assertThat(stale.status()).as(stale.toString()).isEqualTo(412);
    assertThat(stale.json().path("message").asText())
        .contains("is at revision " + before.getModRevision());
    assertThat(createOnly.status()).as(createOnly.toString()).isEqualTo(412);
    KeyValue after = etcd.stored(sample.kind(), sample.documentName()).orElseThrow();
    assertThat(after.getModRevision()).isEqualTo(before.getModRevision());
    assertThat(DamagedDocuments.text(after)).isEqualTo("{not json");
  }

  @Test
  void anInvalidRepair_is422_andLeavesTheDamagedVersion() throws Exception {
    KindSamples sample = KindSamples.ROUTE_TABLE;
    DamagedDocuments.create(HTTP, sample);
    long damaged = etcd.putRaw(sample.kind(), sample.documentName(), "{not json");

    Http.Reply invalid = HTTP.put(sample.path()).token(sample.token()).reason("repair")
        .ifMatch("\"" + damaged + "\"")
        .yaml(sample.first().replace("timeout: 2s", "timeout: 0s")).send();

    assertThat(invalid.status()).as(invalid.toString()).isEqualTo(422);
    KeyValue after = etcd.stored(sample.kind(), sample.documentName()).orElseThrow();
    assertThat(after.getModRevision()).isEqualTo(damaged);
  }

  @Test
  void aDamagedDocument_canBeDeletedWithIfMatch() throws Exception {
    KindSamples sample = KindSamples.RATE_LIMIT_POLICY;
    DamagedDocuments.create(HTTP, sample);
    long damaged = etcd.putRaw(sample.kind(), sample.documentName(), "{not json");

    Http.Reply plan = HTTP.delete(sample.path() + "?dryRun=true").token(sample.token())
        .reason("remove").send();
    Http.Reply deleted = HTTP.delete(sample.path()).token(sample.token())
        .ifMatch("\"" + damaged + "\"").reason("remove a hand edit").send();

    assertThat(plan.status()).as(plan.toString()).isEqualTo(200);
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(etcd.stored(sample.kind(), sample.documentName())).isEmpty();
    assertThat(HTTP.get(sample.path()).token(TestTokens.VIEWER).send().status()).isEqualTo(404);
  }

  @Test
  void aDamagedServiceWithNoLastGoodVersion_canBeRepairedFromScratch() throws Exception {
    long damaged = etcd.putRaw(Kind.SERVICE, "reports", "{not json");

    Http.Reply repaired = HTTP.put(KindSamples.SERVICE.path()).token(TestTokens.OPERATOR)
        .ifMatch("\"" + damaged + "\"").reason("recreate")
        .yaml(KindSamples.SERVICE.first()).send();

    assertThat(repaired.status()).as(repaired.toString()).isEqualTo(200);
    assertThat(HTTP.get(KindSamples.SERVICE.path()).token(TestTokens.VIEWER).send().json()
        .has("damaged")).isFalse();
  }
}
