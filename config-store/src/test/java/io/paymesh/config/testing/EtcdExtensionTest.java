package io.paymesh.config.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EtcdExtensionTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final ByteSequence KEY = ByteSequence.from("/test/key", StandardCharsets.UTF_8);

  @Test
  void restart_keepsEndpointAndData() throws Exception {
    String endpoint = ETCD.endpoint();
    ETCD.client().getKVClient().put(KEY, ByteSequence.from("v1", StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);

    ETCD.stop();
    assertThat(ETCD.isRunning()).isFalse();
    ETCD.start();

    assertThat(ETCD.endpoint()).isEqualTo(endpoint);
    assertThat(ETCD.client().getKVClient().get(KEY).get(20, TimeUnit.SECONDS).getKvs())
        .singleElement()
        .satisfies(kv -> assertThat(kv.getValue().toString(StandardCharsets.UTF_8)).isEqualTo("v1"));
  }

  @Test
  void compact_discardsOlderRevisions() throws Exception {
    long first = ETCD.client().getKVClient()
        .put(KEY, ByteSequence.from("a", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS)
        .getHeader().getRevision();
    ETCD.client().getKVClient().put(KEY, ByteSequence.from("b", StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);

    long compacted = ETCD.compact();

    assertThat(compacted).isEqualTo(ETCD.currentRevision());
    assertThatThrownBy(() -> ETCD.client().getKVClient()
            .get(KEY, GetOption.builder().withRevision(first).build()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("required revision has been compacted");
  }

  @Test
  void deleteAll_removesEveryKey() throws Exception {
    ETCD.client().getKVClient().put(KEY, ByteSequence.from("x", StandardCharsets.UTF_8))
        .get(10, TimeUnit.SECONDS);

    ETCD.deleteAll();

    assertThat(ETCD.client().getKVClient()
            .get(ByteSequence.from(new byte[] {0}),
                GetOption.builder().withRange(ByteSequence.from(new byte[] {0})).build())
            .get(10, TimeUnit.SECONDS).getCount())
        .isZero();
  }
}
