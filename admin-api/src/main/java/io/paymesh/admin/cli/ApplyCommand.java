package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.admin.policy.PolicyWriter;
import io.paymesh.config.store.WriteSteps;
import java.io.IOException;
import java.util.ArrayList;
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
 * asks, then writes every changed document in one {@code POST /v1/apply} bundle (one etcd
 * transaction, all or nothing) guarded by the revision each document had when it was compared
 * ({@code expectedRevisions}), so a change someone made after the plan refuses the whole bundle
 * (412, exit 4) instead of being overwritten. Unchanged documents are not sent; a set with no
 * change writes nothing. More changes than one transaction holds are written as dependency-ordered
 * bundles ({@link WriteSteps}), each one atomic and checked by the API on its own.
 */
@Command(name = "apply", mixinStandardHelpOptions = true,
    description = {"Apply policy documents: show the plan, confirm, write.",
        "The changed documents are written in one atomic bundle (POST /v1/apply), each guarded"
            + " by the revision the plan was made against: if any moved meanwhile, nothing is"
            + " written (exit 4). More than " + ApplyCommand.MAX_PER_BUNDLE + " changes are"
            + " written in dependency-ordered bundles (processors and services first, route"
            + " tables and gateways last), each atomic and checked by the Gate; a refused bundle"
            + " stops the run, says what was written, and applying the same files again is safe."})
final class ApplyCommand implements Callable<Integer> {

  /** The API's limit on documents per bundle: what one etcd transaction holds. */
  static final int MAX_PER_BUNDLE = PolicyWriter.MAX_CHANGES;
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

  /** A changed document and the revision it was compared against (0: it did not exist). */
  private record Planned(SourcedDocument document, long expectedRevision) {}

  @Override
  public Integer call() {
    Terminal terminal = root.terminal;
    List<SourcedDocument> documents =
        new DocumentSources(root.codec, terminal).read(sources);
    AdminClient client = root.client();
    PlanPrinter printer = new PlanPrinter(root.codec, terminal.out());

    List<Planned> changed = new ArrayList<>();
    for (SourcedDocument doc : documents) {
      RemoteDocument remote = RemoteDocument.fetch(client, root.codec, doc.resource().key());
      String operation = remote.operationFor(doc.resource());
      printer.document(operation, doc.label(), remote.resource(),
          Optional.of(doc.resource()), "server " + doc.resource().key()
              + remote.etag().map(e -> " (revision " + revisionOf(e) + ")").orElse(""));
      if (!operation.equals("UNCHANGED")) {
        changed.add(new Planned(doc, remote.etag().map(ApplyCommand::revisionOf).orElse(0L)));
      }
    }
    if (changed.isEmpty()) {
      terminal.out().println("No changes: nothing to apply.");
      return ExitCodes.OK;
    }

    List<List<Planned>> steps = steps(changed);
    if (steps.size() > 1) {
      terminal.out().println(changed.size() + " changes are more than one bundle holds ("
          + MAX_PER_BUNDLE + "): they are written as " + steps.size() + " bundles in the order "
          + WriteSteps.describeOrder() + ". Each bundle is atomic and checked against the policy"
          + " the bundles before it leave; the plan below is the first bundle's, each later"
          + " bundle's plan is printed before it is written.");
    }
    requireValid(client, printer, steps.get(0), 1, steps.size(), List.of());
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
    List<String> written = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      if (i > 0) {
        requireValid(client, printer, steps.get(i), i + 1, steps.size(), written);
      }
      Optional<String> proposal = write(client, steps.get(i), written);
      if (proposal.isPresent() && i + 1 < steps.size()) {
        // Later bundles may depend on this one (routes after services): they wait for approval.
        throw new CtlException(ExitCodes.ERROR, "bundle " + (i + 1) + " of " + steps.size()
            + " was proposed (" + proposal.get() + ") and is not written until a second security"
            + " admin approves it; bundles " + (i + 2) + "-" + steps.size() + " were not sent."
            + " After `paymeshctl approve " + proposal.get() + "`, apply the same files again"
            + writtenSoFar(written));
      }
    }
    return ExitCodes.OK;
  }

  private static List<List<Planned>> steps(List<Planned> changed) {
    try {
      return WriteSteps.of(changed, p -> p.document().resource(), MAX_PER_BUNDLE);
    } catch (IllegalArgumentException twice) {
      throw new CtlException(ExitCodes.REFUSED, "invalid documents, nothing was sent:\n  "
          + twice.getMessage().replace("\n", "\n  "));
    }
  }

  /** Prints the bundle's plan; refuses (exit 3) when the API would refuse writing it. */
  private void requireValid(AdminClient client, PlanPrinter printer, List<Planned> bundle,
      int step, int steps, List<String> writtenBefore) {
    if (steps > 1) {
      root.terminal.out().println("Bundle " + step + " of " + steps + " (" + bundle.size()
          + " document(s)):");
    }
    List<SourcedDocument> documents = bundle.stream().map(Planned::document).toList();
    JsonNode plan = client.postRead("v1/plan", AdminClient.JSON, body(bundle, false).toString())
        .requireOk("planning " + documents.size() + " document(s)").json();
    printer.plan(plan, envoyDiff);
    if (!plan.path("valid").asBoolean()) {
      throw new CtlException(ExitCodes.REFUSED, "the admin API would refuse applying "
          + String.join(", ", documents.stream().map(SourcedDocument::label).toList())
          + ", nothing " + (writtenBefore.isEmpty() ? "was" : "more was") + " written"
          + writtenSoFar(writtenBefore) + ":\n  "
          + String.join("\n  ", PlanPrinter.errors(plan, documents))
          + (needsReason(plan) && reason == null ? "\n(pass --reason TEXT)" : ""));
    }
  }

  /**
   * One bundle through {@code POST /v1/apply}; returns the proposal's id when it was proposed
   * (four-eyes) rather than committed.
   */
  private Optional<String> write(AdminClient client, List<Planned> bundle, List<String> written) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (reason != null) {
      headers.put("X-Paymesh-Reason", reason);
    }
    ApiReply reply = client.write("POST", "v1/apply", headers, AdminClient.JSON,
        body(bundle, true).toString());
    List<String> keys = bundle.stream().map(p -> p.document().resource().key().toString())
        .toList();
    if (reply.status() == 202) {
      String id = reply.json().path("id").asText();
      root.terminal.out().println("proposed " + String.join(", ", keys) + ": proposal " + id
          + " waits for a second security admin (paymeshctl approve " + id + ")");
      return Optional.of(id);
    }
    if (!reply.ok()) {
      throw reply.failure("writing " + String.join(", ",
          bundle.stream().map(p -> p.document().label()).toList())
          + (written.isEmpty() ? "" : " (already written: " + String.join(", ", written) + ")"));
    }
    long revision = reply.json().path("revision").asLong();
    for (Planned planned : bundle) {
      root.terminal.out().println((planned.expectedRevision() == 0 ? "created " : "updated ")
          + planned.document().resource().key() + " at revision " + revision);
    }
    written.addAll(keys);
    return Optional.empty();
  }

  /**
   * The bundle as the API reads it. A write guards every document with the revision it was
   * compared against (0: it must still not exist).
   */
  private ObjectNode body(List<Planned> bundle, boolean guarded) {
    ObjectNode body = JSON.createObjectNode();
    if (reason != null) {
      body.put("reason", reason);
    }
    ArrayNode array = body.putArray("documents");
    ObjectNode expected = JSON.createObjectNode();
    for (Planned planned : bundle) {
      array.add(tree(root.codec.toJson(planned.document().resource())));
      expected.put(planned.document().resource().key().toString(), planned.expectedRevision());
    }
    if (guarded) {
      body.set("expectedRevisions", expected);
    }
    return body;
  }

  private static String writtenSoFar(List<String> written) {
    return written.isEmpty() ? "" : " (already written: " + String.join(", ", written) + ")";
  }

  /** The revision of an ETag such as {@code "12"}. */
  static long revisionOf(String etag) {
    String bare = etag.startsWith("W/") ? etag.substring(2) : etag;
    try {
      return Long.parseLong(bare.replace("\"", ""));
    } catch (NumberFormatException e) {
      throw new CtlException(ExitCodes.ERROR, "the admin API answered an ETag that is not a"
          + " revision: " + etag);
    }
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
