package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code apply -f}: reads the documents, compares each with what the API holds, shows the plan,
 * asks, then writes each changed document with PUT guarded by the ETag it compared against, so a
 * change someone made after the plan is never overwritten (412, exit 4). Unchanged documents are
 * not sent; a set with no change writes nothing.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Apply policy documents: show the plan, confirm, write.",
        "Each changed document is written with PUT and If-Match on the ETag the plan was made"
            + " against (create: If-None-Match: *), with its own Idempotency-Key, in dependency"
            + " order (processors and services first, route tables last). Not atomic across"
            + " documents: a refusal stops the run and says what was written; applying the same"
            + " files again is safe."})
final class ApplyCommand implements Callable<Integer> {

  /** Targets before what points at them, security before routes (deny by default). */
  static final List<Kind> ORDER = List.of(Kind.PAYMENT_PROCESSOR, Kind.SERVICE,
      Kind.PEER_AUTHENTICATION, Kind.AUTHORIZATION_POLICY, Kind.REQUEST_AUTHENTICATION,
      Kind.RATE_LIMIT_POLICY, Kind.ROUTE_TABLE);
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand
  PaymeshCtl root;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE|DIR|-",
      description = "a YAML/JSON file, a directory of them, or - for standard input; repeatable")
  List<String> sources;

  @Option(names = "--reason", paramLabel = "TEXT",
      description = "why (X-Paymesh-Reason): required for changes that touch the CDE or security")
  String reason;

  @Option(names = {"-y", "--yes"}, description = "do not ask for confirmation")
  boolean yes;

  @Option(names = "--envoy-diff", description = "show the diff of every changed Envoy resource")
  boolean envoyDiff;

  @Override
  public Integer call() {
    Terminal terminal = root.terminal;
    List<SourcedDocument> documents =
        new DocumentSources(root.codec, terminal).read(sources);
    AdminClient client = root.client();
    PlanPrinter printer = new PlanPrinter(root.codec, terminal.out());

    Map<SourcedDocument, RemoteDocument> changed = new LinkedHashMap<>();
    for (SourcedDocument doc : documents) {
      RemoteDocument remote = RemoteDocument.fetch(client, root.codec, doc.resource().key());
      String operation = remote.operationFor(doc.resource());
      printer.document(operation, doc.label(), remote.resource(),
          Optional.of(doc.resource()), "server " + doc.resource().key()
              + remote.etag().map(e -> " (revision " + e.replace("\"", "") + ")").orElse(""));
      if (!operation.equals("UNCHANGED")) {
        changed.put(doc, remote);
      }
    }
    if (changed.isEmpty()) {
      terminal.out().println("No changes: nothing to apply.");
      return ExitCodes.OK;
    }

    List<SourcedDocument> toWrite = new ArrayList<>(changed.keySet());
    JsonNode plan = plan(client, toWrite);
    printer.plan(plan, envoyDiff);
    if (!plan.path("valid").asBoolean()) {
      throw new CtlException(ExitCodes.REFUSED, "the admin API would refuse applying "
          + String.join(", ", toWrite.stream().map(SourcedDocument::label).toList())
          + ", nothing was written:\n  " + String.join("\n  ", PlanPrinter.errors(plan, toWrite))
          + (needsReason(plan) && reason == null ? "\n(pass --reason TEXT)" : ""));
    }
    if (!yes) {
      if (sources.contains(DocumentSources.STDIN)) {
        throw new CtlException(ExitCodes.USAGE, "the documents came from standard input, so"
            + " there is no answer to read from it: pass --yes to apply");
      }
      if (!terminal.confirm("Apply " + changed.size() + " change(s) to " + client.server() + "?")) {
        terminal.err().println("Not applied.");
        return ExitCodes.ERROR;
      }
    }
    toWrite.sort(Comparator.comparingInt(d -> ORDER.indexOf(d.resource().kind())));
    List<String> written = new ArrayList<>();
    for (SourcedDocument doc : toWrite) {
      written.add(write(client, doc, changed.get(doc), written));
    }
    return ExitCodes.OK;
  }

  private JsonNode plan(AdminClient client, List<SourcedDocument> documents) {
    ObjectNode body = JSON.createObjectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    ArrayNode array = body.putArray("documents");
    for (SourcedDocument doc : documents) {
      array.add(tree(root.codec.toJson(doc.resource())));
    }
    return client.postRead("v1/plan", AdminClient.JSON, body.toString())
        .requireOk("planning " + documents.size() + " document(s)").json();
  }

  private String write(AdminClient client, SourcedDocument doc, RemoteDocument remote,
      List<String> writtenBefore) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (remote.exists()) {
      headers.put("If-Match", remote.etag().orElseThrow());
    } else {
      headers.put("If-None-Match", "*");
    }
    if (reason != null) {
      headers.put("X-Paymesh-Reason", reason);
    }
    ApiReply reply = client.write("PUT", KindArgument.documentPath(doc.resource().kind(),
        doc.resource().name()), headers, AdminClient.YAML, root.codec.toYaml(doc.resource()));
    if (reply.status() == 202) {
      String id = reply.json().path("id").asText();
      root.terminal.out().println("proposed " + doc.resource().key() + ": proposal " + id
          + " waits for a second security admin (paymeshctl approve " + id + ")");
      return doc.resource().key() + " proposed";
    }
    if (!reply.ok()) {
      String what = "writing " + doc.label()
          + (writtenBefore.isEmpty() ? "" : " (already written: "
              + String.join(", ", writtenBefore) + ")");
      throw reply.failure(what);
    }
    String revision = reply.etag().map(e -> e.replace("\"", "")).orElse("?");
    root.terminal.out().println((remote.exists() ? "updated " : "created ")
        + doc.resource().key() + " at revision " + revision);
    return doc.resource().key().toString();
  }

  private static boolean needsReason(JsonNode plan) {
    for (JsonNode e : plan.path("errors")) {
      if (e.path("path").asText().equals("reason")) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode tree(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("the codec's JSON does not parse", e);
    }
  }
}
