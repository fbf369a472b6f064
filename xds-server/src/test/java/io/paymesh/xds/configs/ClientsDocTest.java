package io.paymesh.xds.configs;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ClientFeature;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** docs/clients.md says per client family what the translator gives it: doc and code agree. */
class ClientsDocTest {

  @Test
  void featureTable_matchesWhatEachFamilySupports() throws Exception {
    List<String> lines = Files.readAllLines(RepoFiles.root().resolve("docs/clients.md"));
    int header = lines.indexOf("| ClientFeature | ENVOY | GRPC_JAVA | GRPC_JS | GRPC_CORE |");
    assertThat(header).as("the feature table's header in docs/clients.md").isNotNegative();
    List<ClientFamily> columns = List.of(ClientFamily.ENVOY, ClientFamily.GRPC_JAVA,
        ClientFamily.GRPC_JS, ClientFamily.GRPC_CORE);
    assertThat(columns).containsExactlyInAnyOrder(ClientFamily.values());

    Map<ClientFeature, List<String>> documented = new HashMap<>();
    for (String line : lines.subList(header + 2, lines.size())) {
      if (!line.startsWith("|")) {
        break;
      }
      List<String> cells = Arrays.stream(line.split("\\|")).map(String::trim)
          .filter(c -> !c.isEmpty()).toList();
      documented.put(ClientFeature.valueOf(cells.get(0)), cells.subList(1, cells.size()));
    }

    assertThat(documented.keySet()).containsExactlyInAnyOrder(ClientFeature.values());
    documented.forEach((feature, cells) -> {
      for (int i = 0; i < columns.size(); i++) {
        assertThat(cells.get(i)).as("%s for %s", feature, columns.get(i))
            .isEqualTo(columns.get(i).supports(feature) ? "yes" : "no");
      }
    });
  }
}
