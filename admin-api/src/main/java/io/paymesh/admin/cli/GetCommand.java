package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Kind;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code get KIND [NAME]}: one document or all of a kind. YAML and JSON output is the documents
 * themselves, without revisions, so it can be edited and applied again; applied unchanged it is a
 * no-op.
 */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Show one document, or every document of a kind.",
        "-o yaml prints documents that apply -f accepts (a list as a YAML stream); -o json prints"
            + " one document, or {\"items\": [...]} with each item's revision."})
final class GetCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", paramLabel = "KIND",
      description = "services, paymentprocessors, routetables, authorizationpolicies,"
          + " peerauthentications, requestauthentications, ratelimitpolicies (or RouteTable...)")
  String kindArgument;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME", description = "one document")
  String name;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "table, json or yaml (default: ${DEFAULT-VALUE})")
  OutputFormat output;

  @Override
  public Integer call() throws Exception {
    Kind kind = KindArgument.parse(kindArgument);
    AdminClient client = root.client();
    Terminal terminal = root.terminal;
    if (name != null) {
      String path = KindArgument.documentPath(kind, name);
      String what = "reading " + kind.wireName() + "/" + name;
      switch (output) {
        case yaml -> terminal.out().print(client.get(path, AdminClient.YAML).requireOk(what).body());
        case json -> terminal.out().println(JSON.writerWithDefaultPrettyPrinter()
            .writeValueAsString(client.get(path, AdminClient.JSON).requireOk(what).json()));
        case table -> {
          ApiReply reply = client.get(path, AdminClient.JSON).requireOk(what);
          Table table = new Table("NAME", "REVISION", "STATUS");
          table.row(name, reply.etag().map(e -> e.replace("\"", "")).orElse("-"),
              reply.json().path("damaged").asBoolean() ? "damaged" : "ok");
          table.print(terminal.out());
        }
        default -> throw new AssertionError(output);
      }
      return ExitCodes.OK;
    }
    JsonNode list = client.get("v1/" + kind.pathSegment(), AdminClient.JSON)
        .requireOk("listing " + kind.pathSegment()).json();
    switch (output) {
      case json -> terminal.out().println(
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
      case yaml -> {
        List<String> documents = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
          if (item.path("damaged").asBoolean()) {
            terminal.err().println("paymeshctl: " + kind.wireName() + "/"
                + item.path("name").asText() + " is damaged and left out; see paymeshctl get "
                + kind.pathSegment() + " " + item.path("name").asText() + " -o json");
            continue;
          }
          ObjectNode document = item.deepCopy();
          document.remove("revision");
          documents.add(yaml(document));
        }
        terminal.out().print(String.join("---\n", documents));
      }
      case table -> {
        Table table = new Table("NAME", "REVISION", "STATUS");
        for (JsonNode item : list.path("items")) {
          table.row(item.path("name").asText(), item.path("revision").asText(),
              item.path("damaged").asBoolean() ? "damaged" : "ok");
        }
        table.print(terminal.out());
      }
      default -> throw new AssertionError(output);
    }
    return ExitCodes.OK;
  }

  /** Through the codec, so the YAML is exactly what the API itself answers for one document. */
  private String yaml(ObjectNode document) {
    try {
      return root.codec.toYaml(root.codec.decode(document.toString()));
    } catch (PolicyValidationException e) {
      throw new CtlException(ExitCodes.ERROR, "the admin API listed "
          + document.path("kind").asText() + "/" + document.path("name").asText()
          + " in a form this paymeshctl does not read (" + e.getMessage() + ")");
    }
  }
}
