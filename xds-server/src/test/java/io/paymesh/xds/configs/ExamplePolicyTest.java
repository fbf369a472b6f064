package io.paymesh.xds.configs;

import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.gate.Gate;
import io.paymesh.xds.gate.GateResult;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.GroupTranslator;
import io.paymesh.xds.translate.ClientFamily;
import io.paymesh.xds.translate.ProxyGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example policy that the README's run command loads is valid, and what it becomes for
 * every service, for every client family, passes the Gate.
 */
class ExamplePolicyTest {
  private static final Path EXAMPLE = RepoFiles.envoyConfigs().resolve("examples");

  private static List<PolicyResource> exampleDocuments() throws Exception {
    PolicyCodec codec = new PolicyCodec();
    List<PolicyResource> documents = new ArrayList<>();
    for (Path file : RepoFiles.filesEndingWith(EXAMPLE, ".yaml", ".yml", ".json")) {
      documents.addAll(codec.decodeAll(Files.readString(file)));
    }
    return documents;
  }

  @Test
  void exampleDocuments_decodeAndValidate() throws Exception {
    assertThat(exampleDocuments())
        .extracting(d -> d.key().toString())
        .contains("Service/checkout", "RouteTable/payments", "PaymentProcessor/stripe");
  }

  @Test
  void everyGroupOfTheExample_passesTheGate_forEveryClientFamily() throws Exception {
    PolicySnapshot policy = PolicySnapshot.builder(1).addAll(exampleDocuments()).build();
    GroupTranslator translator = new GroupTranslator();
    Gate gate = new Gate();

    List<String> checked = new ArrayList<>();
    for (String service : policy.services().keySet()) {
      for (ClientFamily client : ClientFamily.values()) {
        ProxyGroup group = new ProxyGroup(service, client);
        GroupResources resources = translator.translate(policy, group).orElseThrow();
        GateResult result = gate.check(policy, group, resources);
        assertThat(result.violations()).as("gate violations of %s", group).isEmpty();
        checked.add(service + "/" + client);
      }
    }
    assertThat(checked).hasSize(ClientFamily.values().length * policy.services().size())
        .isNotEmpty();
  }
}
