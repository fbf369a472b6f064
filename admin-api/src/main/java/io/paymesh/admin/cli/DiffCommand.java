package io.paymesh.admin.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code diff -f}: what applying the documents would change, as YAML diffs; writes nothing. */
@Command(name = "diff", mixinStandardHelpOptions = true,
    description = {"Show how the documents differ from what the admin API holds.",
        "A unified diff per document that differs (the server's version first); nothing when"
            + " they are all equal. Exits 0 either way; writes nothing."})
final class DiffCommand implements Callable<Integer> {

  @ParentCommand
  PaymeshCtl root;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
      description = "a YAML/JSON file, a directory of them, or - for standard input; repeatable")
  List<String> sources;

  @Override
  public Integer call() {
    List<SourcedDocument> documents = new DocumentSources(root.codec, root.terminal).read(sources);
    PlanPrinter printer = new PlanPrinter(root.codec, root.terminal.out());
    for (SourcedDocument doc : documents) {
      RemoteDocument remote = RemoteDocument.fetch(root.client(), root.codec, doc.resource().key());
      String serverLabel = "server " + doc.resource().key()
          + remote.etag().map(e -> " (revision " + e.replace("\"", "") + ")").orElse(" (absent)");
      String diff = printer.yamlDiff(remote.resource(), Optional.of(doc.resource()),
          serverLabel + (remote.damaged() ? " [damaged]" : ""), doc.label());
      if (remote.damaged() && diff.isEmpty()) {
        diff = "--- " + serverLabel + " [damaged]\n+++ " + doc.label() + "\n";
      }
      root.terminal.out().print(diff);
    }
    return ExitCodes.OK;
  }
}
