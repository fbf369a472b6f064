package io.paymesh.xds.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.envoyproxy.controlplane.cache.Resources;
import io.paymesh.config.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Listing the proxies of a large mesh: more records than one etcd answer may carry (a gRPC
 * client takes 4 MiB per message), read in pages of one revision, sorted, unreadable keys left
 * out.
 */
class ProxyStatusReaderTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final String PREFIX = "/status-reader-test/";
  private static final int PROXIES = 6_000;
  /** With it a record is about a kilobyte: 6,000 of them are more than 4 MiB. */
  private static final String LONG_NACK = "x".repeat(700);

  @Test
  void list_readsMoreRecordsThanOneEtcdAnswerHolds_inKeyOrder() throws Exception {
    ProxyStatusKeys keys = new ProxyStatusKeys(PREFIX);
    Instant at = Instant.parse("2026-12-01T12:00:00Z");
    for (int first = 0; first < PROXIES; first += 100) {
      // etcd takes at most 128 operations per transaction.
      Txn txn = ETCD.client().getKVClient().txn();
      Op[] puts = new Op[100];
      for (int i = 0; i < 100; i++) {
        String node = String.format("svc-%04d~pod-%d", (first + i) % 1000, first + i);
        ProxyStatusRecord record = new ProxyStatusRecord(node, "svc", "ENVOY", "replica-a",
            Map.of(Resources.V3.CLUSTER_TYPE_URL, "v1"),
            Optional.of(new NackRecord(Resources.V3.ROUTE_TYPE_URL, "r1", LONG_NACK, at)), 1,
            at, at);
        puts[i] = Op.put(bytes(keys.key(node)), bytes(ProxyStatusCodec.toJson(record)),
            PutOption.DEFAULT);
      }
      txn.Then(puts).commit().get(10, TimeUnit.SECONDS);
    }
    ETCD.client().getKVClient().put(bytes(keys.key("zz-not-a-record")), bytes("{not json"))
        .get(10, TimeUnit.SECONDS);

    List<ProxyStatusRecord> records = new ProxyStatusReader(ETCD.client(), PREFIX).list();

    assertThat(records).hasSize(PROXIES);
    assertThat(records).extracting(ProxyStatusRecord::nodeId).isSorted().doesNotHaveDuplicates();
    assertThat(records.get(0).lastNack()).hasValueSatisfying(
        nack -> assertThat(nack.errorDetail()).isEqualTo(LONG_NACK));
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }
}
