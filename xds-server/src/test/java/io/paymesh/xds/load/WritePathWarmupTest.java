package io.paymesh.xds.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.testing.EtcdExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/** The load tool's warm-up of its own write path, against a real etcd. */
class WritePathWarmupTest {
  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Test
  void putsUnderTheScratchPrefixOnly_andLeavesNothingBehind() throws Exception {
    long before = revision();

    List<Long> calls = WritePathWarmup.run(ETCD.client(), "/watched/", 7, TIMEOUT);

    assertThat(calls).hasSize(7).allMatch(nanos -> nanos > 0);
    // Seven commits (each a document and its audit record) and the clean-up: one revision each.
    assertThat(revision() - before).isEqualTo(8);
    assertThat(keysUnder(ETCD.client(), WritePathWarmup.SCRATCH_PREFIX)).isZero();
    assertThat(keysUnder(ETCD.client(), "/watched/")).isZero();
  }

  @Test
  void theLoadToolRefusesSuchAPrefix_beforeItWritesOrConnectsAnything() throws Exception {
    StringWriter err = new StringWriter();
    CommandLine tool = new CommandLine(new LoadMain(System.out));
    tool.setErr(new PrintWriter(err, true));

    // It would write a mesh under "/" first, then connect to a port nothing listens on.
    int exit = tool.execute("--etcd", ETCD.endpoint(), "--prefix", "/", "--ads", "127.0.0.1:1",
        "--services", "2", "--streams", "1", "--timeout", "PT5S");

    assertThat(exit).isNotZero();
    assertThat(err.toString()).contains("overlaps: choose another --prefix");
    assertThat(keysUnder(ETCD.client(), "/")).as("nothing written").isZero();
  }

  @Test
  void refusesAWatchedPrefixThatWouldSeeTheWarmup() {
    for (String overlapping : List.of("/", "/paymesh", WritePathWarmup.SCRATCH_PREFIX,
        WritePathWarmup.SCRATCH_PREFIX + "nested/")) {
      assertThatThrownBy(() -> WritePathWarmup.run(ETCD.client(), overlapping, 1, TIMEOUT))
          .as(overlapping)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("overlaps");
    }
  }

  static long keysUnder(Client client, String prefix) throws Exception {
    return client.getKVClient()
        .get(ByteSequence.from(prefix, StandardCharsets.UTF_8),
            GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(30, TimeUnit.SECONDS).getCount();
  }

  private static long revision() throws Exception {
    return ETCD.client().getKVClient()
        .get(ByteSequence.from("/", StandardCharsets.UTF_8))
        .get(30, TimeUnit.SECONDS).getHeader().getRevision();
  }
}
