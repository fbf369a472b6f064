package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code proposals}: the changes waiting for a second security admin (GET /v1/proposals). */
@Command(name = "proposals", mixinStandardHelpOptions = true,
    description = "List the pending four-eyes proposals, oldest first (approve them with approve ID).")
final class ProposalsCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE})")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    JsonNode list = root.client().get("v1/proposals", AdminClient.JSON)
        .requireOk("reading the proposals").json();
    if (output != OutputFormat.table) {
      root.terminal.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
      return ExitCodes.OK;
    }
    Table table = new Table("ID", "PROPOSER", "EXPIRES", "DOCUMENTS", "REASON");
    for (JsonNode p : list.path("items")) {
      table.row(p.path("id").asText(), p.path("proposer").asText(), p.path("expiresAt").asText(),
          documents(p), p.path("reason").asText());
    }
    table.print(root.terminal.out());
    return ExitCodes.OK;
  }

  static String documents(JsonNode proposal) {
    List<String> documents = new ArrayList<>();
    for (JsonNode d : proposal.path("documents")) {
      documents.add(d.path("operation").asText() + " " + d.path("kind").asText() + "/"
          + d.path("name").asText());
    }
    return String.join(", ", documents);
  }
}
