package io.paymesh.xds.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.paymesh.xds.testing.LogCapture;
import io.paymesh.xds.translate.XdsNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No private key and no join token in any log line, exception message or string form, through
 * a first issuance, renewals and a failed renewal.
 */
class WorkloadAgentSecretsTest {
  @TempDir
  Path tmp;

  private AgentTestBed bed;

  @BeforeEach
  void setUp() throws Exception {
    bed = new AgentTestBed(tmp);
  }

  @AfterEach
  void tearDown() throws Exception {
    bed.close();
  }

  @Test
  void logsAndMessages_neverHoldAPrivateKeyOrTheJoinToken() throws Exception {
    List<String> keyPems = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<String> lines;
    try (LogCapture log = new LogCapture(); WorkloadAgent agent = bed.agent()) {
      agent.start();
      keyPems.add(Files.readString(bed.dir.resolve(XdsNames.IDENTITY_KEY_FILE)));
      agent.renewNow();
      keyPems.add(Files.readString(bed.dir.resolve(XdsNames.IDENTITY_KEY_FILE)));
      bed.fake.failNext(1);
      IssuanceException failure = assertThrows(IssuanceException.class, agent::renewNow);
      texts.add(failure.toString());
      agent.renewNow();
      keyPems.add(Files.readString(bed.dir.resolve(XdsNames.IDENTITY_KEY_FILE)));
      WorkloadIdentity stored = new IdentityStore(bed.dir, Clock.systemUTC()).read().orElseThrow();
      texts.add(stored.toString());
      texts.add(bed.options().build().toString());
      lines = log.lines();
    }
    try (WorkloadAgent refused = new WorkloadAgent(
        bed.options().joinToken(JoinTokenSource.of(AgentTestBed.TOKEN + "-x"))
            .dir(tmp.resolve("other")).build())) {
      texts.add(assertThrows(IssuanceException.class, refused::start).toString());
    }

    // The capture worked: issuances and the failure were logged.
    assertThat(lines).anyMatch(l -> l.startsWith("INFO first WorkloadIdentity[spiffe://"));
    assertThat(lines).anyMatch(l -> l.startsWith("INFO renewed WorkloadIdentity["));
    assertThat(lines).anyMatch(l -> l.startsWith("WARN renewal failed (1 in a row)"));
    List<String> everything = new ArrayList<>(lines);
    everything.addAll(texts);
    assertThat(keyPems).hasSize(3).doesNotHaveDuplicates();
    for (String text : everything) {
      assertThat(text).doesNotContain("PRIVATE KEY").doesNotContain(AgentTestBed.TOKEN);
      for (String keyPem : keyPems) {
        keyPem.lines().filter(l -> !l.startsWith("-----"))
            .forEach(base64 -> assertThat(text).doesNotContain(base64));
      }
    }
  }

  @Test
  void joinTokenSources_nameTheSourceNotTheToken() throws Exception {
    Path file = tmp.resolve("token");
    Files.writeString(file, AgentTestBed.TOKEN + "\n");

    assertThat(JoinTokenSource.file(file).read()).contains(AgentTestBed.TOKEN);
    assertThat(JoinTokenSource.file(file)).hasToString("join token file " + file);
    assertThat(JoinTokenSource.of(AgentTestBed.TOKEN).toString()).doesNotContain(AgentTestBed.TOKEN);
    assertThat(JoinTokenSource.environment(Map.of("PAYMESH_JOIN_TOKEN", AgentTestBed.TOKEN)))
        .satisfies(s -> assertThat(s.read()).contains(AgentTestBed.TOKEN))
        .satisfies(s -> assertThat(s.toString()).doesNotContain(AgentTestBed.TOKEN));
    Files.writeString(file, " \n");
    assertThatThrownBy(() -> JoinTokenSource.file(file).read()).hasMessageContaining("is empty");
  }
}
