package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.config.model.Kind;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code history [KIND NAME]}: the audit log, oldest first (GET /v1/audit). */
@Command(name = "history", mixinStandardHelpOptions = true,
    description = {"Show the audit log: who changed what, when and why, oldest first.",
        "REVISION is what rollback --to takes."})
final class HistoryCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND", description = "with NAME: one document's history")
  String kindArgument;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME")
  String name;

  @Option(names = "--limit", defaultValue = "50", description = "entries per page, 1..500 (default: ${DEFAULT-VALUE})")
  int limit;

  @Option(names = "--after", defaultValue = "0", paramLabel = "REVISION",
      description = "only entries after this revision (the next page)")
  long after;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table or json (default: ${DEFAULT-VALUE})")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    if ((kindArgument == null) != (name == null)) {
      throw new CtlException(ExitCodes.USAGE, "history takes KIND and NAME together, or neither");
    }
    if (output == OutputFormat.yaml) {
      throw new CtlException(ExitCodes.USAGE, "history prints -o table or json");
    }
    StringBuilder path = new StringBuilder("v1/audit?limit=" + limit + "&after=" + after);
    if (kindArgument != null) {
      Kind kind = KindArgument.parse(kindArgument);
      path.append("&kind=").append(kind.pathSegment())
          .append("&name=").append(AdminClient.segment(name));
    }
    JsonNode page = root.client().get(path.toString(), AdminClient.JSON)
        .requireOk("reading the audit log").json();
    if (output == OutputFormat.json) {
      root.terminal.out().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(page));
      return ExitCodes.OK;
    }
    Table table = new Table("REVISION", "AT", "ACTOR", "OPERATION", "DOCUMENT", "REASON");
    for (JsonNode e : page.path("entries")) {
      String actor = e.path("actor").asText()
          + (e.hasNonNull("approvedBy") ? " (approved by " + e.path("approvedBy").asText() + ")" : "");
      table.row(e.path("revision").asLong(), e.path("at").asText(), actor,
          e.path("operation").asText(), e.path("kind").asText() + "/" + e.path("name").asText(),
          e.hasNonNull("reason") ? e.path("reason").asText() : null);
    }
    table.print(root.terminal.out());
    if (page.hasNonNull("nextAfter")) {
      root.terminal.out().println("(more: --after " + page.path("nextAfter").asLong() + ")");
    }
    return ExitCodes.OK;
  }
}
