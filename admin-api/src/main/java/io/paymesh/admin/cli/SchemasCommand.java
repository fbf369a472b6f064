package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.config.model.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code schemas}: the JSON Schemas of the policy kinds (GET /v1/schemas/{kind}), printed or saved
 * as files an editor's YAML support can point at: the API wants a token, which editors cannot
 * send, so files are how editors get them.
 */
@Command(name = "schemas", mixinStandardHelpOptions = true,
    description = {"Print the JSON Schema of a policy kind, or save every kind's as",
        "DIR/<kind>.schema.json for editors (docs/policy-reference.md, Editor support)."})
final class SchemasCommand implements Callable<Integer> {
  static final String SUFFIX = ".schema.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND",
      description = "services, routetables, ... (default: every kind)")
  Optional<String> kind;

  @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
      description = "write each schema to DIR/<kind>.schema.json instead of stdout")
  Optional<Path> dir;

  @Override
  public Integer call() throws IOException {
    List<Kind> kinds = kind.map(k -> List.of(KindArgument.parse(k)))
        .orElse(Arrays.asList(Kind.values()));
    if (dir.isEmpty() && kinds.size() != 1) {
      throw new CtlException(ExitCodes.USAGE,
          "name a KIND to print its schema, or give --dir to save every kind's");
    }
    for (Kind k : kinds) {
      JsonNode schema = root.client()
          .get("v1/schemas/" + k.pathSegment(), AdminClient.ANY)
          .requireOk("reading the schema of " + k.pathSegment())
          .json();
      String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
      if (dir.isPresent()) {
        Files.createDirectories(dir.get());
        Path file = dir.get().resolve(k.pathSegment() + SUFFIX);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        root.terminal.out().println(file);
      } else {
        root.terminal.out().print(text);
      }
    }
    root.terminal.out().flush();
    return ExitCodes.OK;
  }
}
