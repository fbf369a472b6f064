package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.config.model.ResourceKey;
import io.paymesh.config.validation.PolicyValidationException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rollback KIND NAME --to REV}: the admin API's rollback (POST
 * /v1/{kind}/{name}/rollback?to=REV), which restores the document as the audit entry at that
 * revision left it (or deletes it, if that entry was a delete) through every check of a write.
 * paymeshctl shows the diff first and guards the write with If-Match on the revision shown.
 */
@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Restore a document as it was right after an audit entry (see history).",
        "Shows the diff from the current version, confirms, then asks the admin API to roll back"
            + " (audited as ROLLBACK; validation, Gate, reasons and four-eyes apply as to any"
            + " write). If-Match on the current revision: a change made meanwhile is not undone."})
final class RollbackCommand implements Callable<Integer> {

  @ParentCommand
  PaymeshCtl root;

  @Parameters(index = "0", paramLabel = "KIND")
  String kindArgument;

  @Parameters(index = "1", paramLabel = "NAME")
  String name;

  @Option(names = "--to", required = true, paramLabel = "REVISION",
      description = "the revision of the document's audit entry to restore (paymeshctl history KIND NAME)")
  long to;

  @Option(names = "--reason", paramLabel = "TEXT", description = "why (X-Paymesh-Reason)")
  String reason;

  @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
  boolean yes;

  @Override
  public Integer call() {
    Kind kind = KindArgument.parse(kindArgument);
    ResourceKey key = new ResourceKey(kind, name);
    AdminClient client = root.client();
    JsonNode entry = auditEntry(client, kind, key);
    Optional<PolicyResource> restored = entry.hasNonNull("after")
        ? Optional.of(decode(entry.path("after"), key))
        : Optional.empty();
    RemoteDocument current = RemoteDocument.fetch(client, root.codec, key);
    PlanPrinter printer = new PlanPrinter(root.codec, root.terminal.out());
    String operation = restored.isEmpty() ? "DELETE" : current.operationFor(restored.get());
    printer.document(operation, key + " as of revision " + to, current.resource(), restored,
        "server " + key + current.etag().map(e -> " (revision " + e.replace("\"", "") + ")")
            .orElse(" (absent)"));
    if (!yes && !root.terminal.confirm("Roll " + key + " back to revision " + to + "?")) {
      root.terminal.err().println("Not rolled back.");
      return ExitCodes.ERROR;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    current.etag().ifPresent(etag -> headers.put("If-Match", etag));
    if (reason != null) {
      headers.put("X-Paymesh-Reason", reason);
    }
    ApiReply reply = client.write("POST", KindArgument.documentPath(kind, name)
        + "/rollback?to=" + to, headers, null, null);
    if (reply.status() == 202) {
      String id = reply.json().path("id").asText();
      root.terminal.out().println("proposed the rollback of " + key + ": proposal " + id
          + " waits for a second security admin (paymeshctl approve " + id + ")");
      return ExitCodes.OK;
    }
    reply.requireOk("rolling " + key + " back to revision " + to);
    root.terminal.out().println("rolled " + key + " back to revision " + to + ", now at revision "
        + reply.json().path("revision").asLong());
    return ExitCodes.OK;
  }

  /** The document's audit entry at {@code to}, paging through its history. */
  private JsonNode auditEntry(AdminClient client, Kind kind, ResourceKey key) {
    long after = 0;
    while (true) {
      JsonNode page = client.get("v1/audit?limit=500&after=" + after + "&kind="
          + kind.pathSegment() + "&name=" + AdminClient.segment(name), AdminClient.JSON)
          .requireOk("reading the history of " + key).json();
      for (JsonNode entry : page.path("entries")) {
        if (entry.path("revision").asLong() == to) {
          return entry;
        }
      }
      if (!page.hasNonNull("nextAfter")) {
        throw new CtlException(ExitCodes.ERROR, "no audit entry for " + key + " at revision "
            + to + " (paymeshctl history " + kind.pathSegment() + " " + name + ")");
      }
      after = page.path("nextAfter").asLong();
    }
  }

  private PolicyResource decode(JsonNode after, ResourceKey key) {
    try {
      return root.codec.decode(after.toString());
    } catch (PolicyValidationException e) {
      throw new CtlException(ExitCodes.REFUSED, "the version of " + key + " at revision " + to
          + " is not valid under today's rules:\n  " + String.join("\n  ",
              e.errors().stream().map(Object::toString).toList()));
    }
  }
}
