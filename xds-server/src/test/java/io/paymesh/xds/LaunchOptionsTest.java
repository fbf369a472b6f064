package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every launcher of a replica runs it with C1 alone, its heap in transparent huge pages,
 * survivors of a young collection tenured at once and a 20 ms pause goal, as docs/xds-server.md
 * and docs/performance.md say: the image through JDK_JAVA_OPTIONS (which an operator can set otherwise), the scripts
 * through XDS_JVM_OPTS; and the load tool's reference server with the same options, so that its
 * comparison is not won by a JVM option. The load tool measures both with the same options of
 * its own, and gives both the heap the Kubernetes manifest gives a replica.
 */
class LaunchOptionsTest {
  private static final String REPLICA_OPTIONS =
      "-XX:TieredStopAtLevel=1 -XX:+UseTransparentHugePages -XX:MaxTenuringThreshold=0 -XX:MaxGCPauseMillis=20";

  @Test
  void theImageRunsTheReplicaWithItsOptions_unlessTheOperatorSaysOtherwise() throws IOException {
    String image = Files.readString(Path.of("../docker/xds-server.Dockerfile"));
    String runStage = image.substring(image.lastIndexOf("FROM "));
    assertThat(runStage).contains("ENV JDK_JAVA_OPTIONS=\"" + REPLICA_OPTIONS + "\"");
    // On the command line they would come after JDK_JAVA_OPTIONS and could not be overridden.
    assertThat(runStage.substring(runStage.indexOf("ENTRYPOINT")))
        .doesNotContain("Tiered")
        .doesNotContain("HugePages");
  }

  @Test
  void theScriptsRunTheReplicaAndTheReferenceWithTheSameOptions() throws IOException {
    assertThat(Files.readString(Path.of("../scripts/lib/common.sh")))
        .contains("XDS_JVM_OPTS=\"" + REPLICA_OPTIONS + "\"");
    String run = Files.readString(Path.of("../scripts/run"));
    assertThat(run).contains("java ${XDS_JVM_OPTS} ${class_data} -jar \"$XDS_JAR\"");
    String load = Files.readString(Path.of("../scripts/load"));
    assertThat(load)
        .contains("${XDS_JVM_OPTS} ${CLASS_DATA} ${XDS_JAVA_OPTS:-} -jar \"$SERVER_JAR\"")
        .contains("${XDS_JVM_OPTS} -cp \"$CP\" -Dlogback.configurationFile=logback-bench.xml \\\n"
            + "    io.paymesh.xds.load.ReferenceServer");
  }

  @Test
  void theLoadToolGivesBothServersTheHeapTheManifestGivesAReplica() throws IOException {
    String manifest = Files.readString(Path.of("../docker/kubernetes/xds-server.yaml"));
    Matcher limit = Pattern.compile("limits: \\{cpu: \"\\d+\", memory: (\\d+)Gi}")
        .matcher(manifest);
    assertThat(limit.find()).as("the xds-server's memory limit in the manifest").isTrue();
    String image = Files.readString(Path.of("../docker/xds-server.Dockerfile"));
    Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)").matcher(image);
    assertThat(percentage.find()).as("the image's heap share of the memory limit").isTrue();
    long heapMiB = Long.parseLong(limit.group(1)) * 1024
        * Long.parseLong(percentage.group(1)) / 100;

    String load = Files.readString(Path.of("../scripts/load"));
    assertThat(load).contains("XDS_HEAP=\"${XDS_HEAP:-" + heapMiB + "m}\"");
    assertThat(occurrences(load, "java -Xmx\"$XDS_HEAP\" ${XDS_JVM_OPTS}")).isEqualTo(2);
  }

  @Test
  void theLoadToolMeasuresBothServersWithC1Alone_unlessToldOtherwise() throws IOException {
    String load = Files.readString(Path.of("../scripts/load"));
    assertThat(load).contains("TOOL_JVM_OPTS=\"-XX:TieredStopAtLevel=1\"");
    // The run against paymesh and the one against the reference, the same way; the operator's
    // LOAD_JAVA_OPTS last, so that they win, and in no other java command.
    String tool = "java -Xmx4g ${TOOL_JVM_OPTS} ${LOAD_JAVA_OPTS:-} -cp \"$CP\"";
    assertThat(occurrences(load, tool)).isEqualTo(2);
    assertThat(occurrences(load, "${LOAD_JAVA_OPTS:-}")).isEqualTo(2);
  }

  private static int occurrences(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }
}
