package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code proxies}: every connected proxy (GET /v1/proxies), whether it ACKed the config the
 * current policy gives its group (GET /v1/proxies/{node}/config, {@code inSync}) and its last
 * NACK.
 */
@Command(name = "proxies", mixinStandardHelpOptions = true,
    description = {"Show the connected proxies: in sync with the current policy or not, and NACKs.",
        "IN-SYNC is yes when the proxy ACKed the current version of every type; STATE is NACK"
            + " when it is not in sync and has a last NACK, else ACK (in sync) or PENDING."})
final class ProxiesCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE}); json adds inSync to each proxy")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    if (output == OutputFormat.yaml) {
      throw new CtlException(ExitCodes.USAGE, "proxies prints -o table or json");
    }
    AdminClient client = root.client();
    JsonNode proxies = client.get("v1/proxies", AdminClient.JSON)
        .requireOk("reading the proxies").json();
    ArrayNode withSync = JSON.createArrayNode();
    for (JsonNode proxy : proxies) {
      ObjectNode copy = proxy.deepCopy();
      String node = proxy.path("nodeId").asText();
      ApiReply config = client.get("v1/proxies/" + AdminClient.segment(node) + "/config",
          AdminClient.JSON);
      // The proxy may have gone between the two reads: then its sync is unknown, not an error.
      copy.put("inSync", config.ok() ? config.json().path("inSync").asBoolean() : null);
      withSync.add(copy);
    }
    if (output == OutputFormat.json) {
      root.terminal.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(withSync));
      return ExitCodes.OK;
    }
    Table table = new Table("NODE", "SERVICE", "CLIENT", "REPLICA", "IN-SYNC", "STATE", "NACKS",
        "LAST NACK");
    for (JsonNode proxy : withSync) {
      JsonNode nack = proxy.path("lastNack");
      boolean inSync = proxy.path("inSync").asBoolean(false);
      String sync = proxy.path("inSync").isNull() ? "unknown" : inSync ? "yes" : "no";
      String state = inSync ? "ACK" : nack.isObject() ? "NACK" : "PENDING";
      String lastNack = nack.isObject()
          ? shortType(nack.path("typeUrl").asText()) + " " + nack.path("version").asText() + ": "
              + nack.path("errorDetail").asText()
          : null;
      table.row(proxy.path("nodeId").asText(), proxy.path("service").asText(),
          proxy.path("client").asText(), proxy.path("replica").asText(), sync, state,
          proxy.path("nackCount").asLong(), lastNack);
    }
    table.print(root.terminal.out());
    return ExitCodes.OK;
  }

  private static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }
}
