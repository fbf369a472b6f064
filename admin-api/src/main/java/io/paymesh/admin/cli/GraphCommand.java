package io.paymesh.admin.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code graph}: the mesh picture the admin API draws from the policy (GET /v1/graph): who may
 * call whom, the CDE boundary, external processors and mTLS on each edge.
 */
@Command(name = "graph", mixinStandardHelpOptions = true,
    description = {"Draw the mesh from the current policy: who may call whom, the CDE boundary,",
        "external processors, and whether each call is mTLS (docs/admin-api.md, The mesh picture)."})
final class GraphCommand implements Callable<Integer> {

  /** The picture's formats, as the API names them. */
  enum GraphFormat { svg, dot, mermaid }

  @ParentCommand
  PaymeshCtl root;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "svg",
      description = "svg (laid out by Graphviz on the admin API's host), dot or mermaid"
          + " (default: ${DEFAULT-VALUE})")
  GraphFormat format;

  @Option(names = {"-f", "--file"}, paramLabel = "FILE",
      description = "write the picture to FILE instead of stdout")
  Optional<Path> file;

  @Override
  public Integer call() throws IOException {
    String picture = root.client()
        .get("v1/graph?format=" + format.name(), AdminClient.ANY)
        .requireOk("drawing the mesh (format " + format.name() + ")")
        .body();
    if (file.isPresent()) {
      Files.writeString(file.get(), picture, StandardCharsets.UTF_8);
    } else {
      root.terminal.out().print(picture);
      root.terminal.out().flush();
    }
    return ExitCodes.OK;
  }
}
