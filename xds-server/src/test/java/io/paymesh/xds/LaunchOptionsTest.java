package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every launcher of a replica runs it with C1 alone, as docs/xds-server.md and
 * docs/performance.md say: the image through JDK_JAVA_OPTIONS (which an operator can set
 * otherwise), the scripts through XDS_JIT_OPTS; and the load tool's reference server with the same
 * compilers, so that its comparison is not won by a JVM option.
 */
class LaunchOptionsTest {
  private static final String C1_ALONE = "-XX:TieredStopAtLevel=1";

  @Test
  void theImageRunsTheReplicaWithC1Alone_unlessTheOperatorSaysOtherwise() throws IOException {
    String image = Files.readString(Path.of("../docker/xds-server.Dockerfile"));
    String runStage = image.substring(image.lastIndexOf("FROM "));
    assertThat(runStage).contains("ENV JDK_JAVA_OPTIONS=\"" + C1_ALONE + "\"");
    // On the command line it would come after JDK_JAVA_OPTIONS and could not be overridden.
    assertThat(runStage.substring(runStage.indexOf("ENTRYPOINT"))).doesNotContain("Tiered");
  }

  @Test
  void theScriptsRunTheReplicaAndTheReferenceWithC1Alone() throws IOException {
    assertThat(Files.readString(Path.of("../scripts/lib/common.sh")))
        .contains("XDS_JIT_OPTS=\"" + C1_ALONE + "\"");
    String run = Files.readString(Path.of("../scripts/run"));
    assertThat(run).contains("java ${XDS_JIT_OPTS} ${class_data} -jar \"$XDS_JAR\"");
    String load = Files.readString(Path.of("../scripts/load"));
    assertThat(load)
        .contains("${XDS_JIT_OPTS} ${CLASS_DATA} ${XDS_JAVA_OPTS:-} -jar \"$SERVER_JAR\"")
        .contains("${XDS_JIT_OPTS} -cp \"$CP\" -Dlogback.configurationFile=logback-bench.xml \\\n"
            + "    io.paymesh.xds.load.ReferenceServer");
  }
}
