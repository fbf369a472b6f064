package io.paymesh.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.store.EtcdPolicyWatcher;
import io.paymesh.xds.ads.SnapshotPublisher;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.translate.GroupTranslator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The class list the xds-server's class-data archive is made from (scripts/class-list,
 * docker/xds-server.Dockerfile) stays the list of this code: it names the classes of a replica's
 * start, first builds and publishes, and no paymesh class that no longer exists.
 */
class ClassListTest {
  private static final Path LIST = Path.of("src/main/cds/xds-server.classlist");

  @Test
  void namesTheClassesOfStartFirstBuildsAndPublishes() throws IOException {
    Set<String> listed = Set.copyOf(classNames());

    for (Class<?> used : List.of(XdsServerMain.class, XdsServer.class, EtcdPolicyWatcher.class,
        PolicyCodec.class, SnapshotPublisher.class, GroupTranslator.class, Gate.class)) {
      assertThat(listed).as("regenerate with scripts/class-list").contains(used.getName());
    }
  }

  @Test
  void namesNoPaymeshClassThatIsGone() throws IOException {
    List<String> gone = new ArrayList<>();
    for (String name : classNames()) {
      if (!name.startsWith("io.paymesh.")) {
        continue;
      }
      try {
        Class.forName(name, false, getClass().getClassLoader());
      } catch (ClassNotFoundException e) {
        gone.add(name);
      }
    }
    assertThat(gone).as("classes listed but gone: regenerate with scripts/class-list").isEmpty();
  }

  @Test
  void theImageAndTheScriptsStartTheReplicaFromTheArchive() throws IOException {
    String image = Files.readString(Path.of("../docker/xds-server.Dockerfile"));
    assertThat(image).contains("-Xshare:dump -XX:SharedClassListFile=/opt/paymesh/xds-server.classlist")
        .contains("-XX:SharedArchiveFile=/opt/paymesh/xds-server.jsa -cp /opt/paymesh/xds-server.jar");
    assertThat(image.substring(image.indexOf("ENTRYPOINT")))
        .contains("\"-XX:SharedArchiveFile=/opt/paymesh/xds-server.jsa\"");
    for (String script : List.of("../scripts/run", "../scripts/load")) {
      assertThat(Files.readString(Path.of(script))).as(script).contains("xds_class_data_opts");
    }
  }

  /** Binary names of the listed classes; lambda-form and lambda-proxy lines are left out. */
  private static List<String> classNames() throws IOException {
    return Files.readAllLines(LIST).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#") && !line.startsWith("@"))
        .map(line -> line.split(" ", 2)[0].replace('/', '.'))
        .collect(Collectors.toList());
  }
}
