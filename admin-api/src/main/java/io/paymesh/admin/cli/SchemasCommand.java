package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paymesh.config.model.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
    description = {"Print the JSON Schema of a policy kind (or 'any': any kind, chosen by",
        "kind), or save them all as DIR/<kind>.schema.json and DIR/any.schema.json",
        "for editors (docs/policy-reference.md, Editor support)."})
final class SchemasCommand implements Callable<Integer> {
  static final String SUFFIX = ".schema.json";
  /** The schema for documents of any kind, by the API's name for it. */
  static final String ANY_KIND = "any";
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", arity = "0..1", paramLabel = "KIND",
      description = "services, routetables, ... or any (default: all of them)")
  Optional<String> kind;

  @Option(names = {"-d", "--dir"}, paramLabel = "DIR",
      description = "write each schema to DIR/<kind>.schema.json instead of stdout")
  Optional<Path> dir;

  @Override
  public Integer call() throws IOException {
    List<String> names = kind.map(k -> List.of(segment(k))).orElseGet(SchemasCommand::everyName);
    if (dir.isEmpty() && names.size() != 1) {
      throw new CtlException(ExitCodes.USAGE,
          "name a KIND to print its schema, or give --dir to save them all");
    }
    for (String name : names) {
      JsonNode schema = root.client()
          .get("v1/schemas/" + name, AdminClient.ANY)
          .requireOk("reading the schema of " + name)
          .json();
      String text = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(schema) + "\n";
      if (dir.isPresent()) {
        Files.createDirectories(dir.get());
        Path file = dir.get().resolve(name + SUFFIX);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        root.terminal.out().println(file);
      } else {
        root.terminal.out().print(text);
      }
    }
    root.terminal.out().flush();
    return ExitCodes.OK;
  }

  private static String segment(String kindArgument) {
    return ANY_KIND.equals(kindArgument)
        ? ANY_KIND
        : KindArgument.parse(kindArgument).pathSegment();
  }

  private static List<String> everyName() {
    List<String> names = new ArrayList<>();
    Arrays.stream(Kind.values()).map(Kind::pathSegment).forEach(names::add);
    names.add(ANY_KIND);
    return names;
  }
}
