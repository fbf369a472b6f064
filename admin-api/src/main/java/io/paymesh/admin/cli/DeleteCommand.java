package io.paymesh.admin.cli;

import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code delete KIND NAME}: shows the plan of the delete (a dry run), asks, then deletes with
 * If-Match on the revision the plan was shown for.
 */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete one document: show the plan, confirm, delete (If-Match on the revision"
        + " shown).")
final class DeleteCommand implements Callable<Integer> {

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", paramLabel = "KIND", description = "e.g. routetables")
  String kindArgument;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(names = "--reason", paramLabel = "TEXT",
      description = "why (X-Paymesh-Reason): required for changes that touch the CDE or security")
  String reason;

  @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
  boolean yes;

  @Override
  public Integer call() {
    Kind kind = KindArgument.parse(kindArgument);
    ResourceKey key = new ResourceKey(kind, name);
    AdminClient client = root.client();
    RemoteDocument remote = RemoteDocument.fetch(client, root.codec, key);
    if (!remote.exists()) {
      throw new CtlException(ExitCodes.ERROR, key + " does not exist");
    }
    PlanPrinter printer = new PlanPrinter(root.codec, root.terminal.out());
    printer.document("DELETE", key.toString(), remote.resource(), Optional.empty(),
        "server " + key);
    Map<String, String> headers = new LinkedHashMap<>();
    if (reason != null) {
      headers.put("X-Paymesh-Reason", reason);
    }
    String path = KindArgument.documentPath(kind, name);
    ApiReply dryRun = client.send("DELETE", path + "?dryRun=true", headers)
        .requireOk("planning the delete of " + key);
    printer.plan(dryRun.json(), false);
    if (!dryRun.json().path("valid").asBoolean()) {
      throw new CtlException(ExitCodes.REFUSED, "the admin API would refuse deleting " + key
          + ", nothing was deleted:\n  "
          + String.join("\n  ", ApiReply.errorLines(dryRun.json(), "")));
    }
    if (!yes && !root.terminal.confirm("Delete " + key + "?")) {
      root.terminal.err().println("Not deleted.");
      return ExitCodes.ERROR;
    }
    headers.put("If-Match", remote.etag().orElseThrow());
    ApiReply reply = client.write("DELETE", path, headers, null, null);
    if (reply.status() == 202) {
      String id = reply.json().path("id").asText();
      root.terminal.out().println("proposed deleting " + key + ": proposal " + id
          + " waits for a second security admin (paymeshctl approve " + id + ")");
      return ExitCodes.OK;
    }
    reply.requireOk("deleting " + key);
    root.terminal.out().println("deleted " + key + " at revision "
        + reply.json().path("revision").asLong());
    return ExitCodes.OK;
  }
}
