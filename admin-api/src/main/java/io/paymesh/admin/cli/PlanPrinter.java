package io.paymesh.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.paymesh.config.codec.PolicyCodec;
import io.paymesh.config.model.PolicyResource;
import io.paymesh.xds.inspect.LineDiff;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints what a change would do: each document's operation with a YAML diff against what is
 * stored, then the admin API's plan (POST /v1/plan or a dry run) — the proxy groups whose Envoy
 * resources change, security-relevant parts, whether four-eyes approval applies — and the
 * reasons a write would be refused.
 */
final class PlanPrinter {

  private static final Pattern DOCUMENT_INDEX = Pattern.compile("^documents\\[(\\d+)]\\.?");

  private final PolicyCodec codec;
  private final PrintStream out;

  PlanPrinter(PolicyCodec codec, PrintStream out) {
    this.codec = codec;
    this.out = out;
  }

  /** One document: {@code ~ RouteTable/payments (file.yaml)} and its YAML diff. */
  void document(String operation, String label, Optional<PolicyResource> before,
      Optional<PolicyResource> after, String beforeLabel) {
    out.println(symbol(operation) + " " + label + "  " + operation);
    String diff = yamlDiff(before, after, beforeLabel, label);
    if (!diff.isEmpty()) {
      diff.lines().forEach(l -> out.println("    " + l));
    }
  }

  String yamlDiff(Optional<PolicyResource> before, Optional<PolicyResource> after,
      String beforeLabel, String afterLabel) {
    return LineDiff.unified(beforeLabel, before.map(codec::toYaml).orElse(""),
        afterLabel, after.map(codec::toYaml).orElse(""));
  }

  /**
   * The plan's groups and flags. {@code envoyDiffs}: print each changed Envoy resource's diff
   * too, not only its name.
   */
  void plan(JsonNode plan, boolean envoyDiffs) {
    JsonNode groups = plan.path("groups");
    if (groups.isEmpty()) {
      out.println("Proxy groups whose config changes: none");
    } else {
      out.println("Proxy groups whose config changes (policy revision "
          + plan.path("revision").asLong() + "):");
    }
    for (JsonNode group : groups) {
      out.println("  " + group.path("service").asText() + " (" + group.path("client").asText()
          + ")" + (group.path("newlyFailing").asBoolean() ? "  WOULD FAIL THE GATE" : ""));
      for (JsonNode change : group.path("changes")) {
        String type = change.path("typeUrl").asText();
        out.println("    " + change.path("type").asText() + " "
            + type.substring(type.lastIndexOf('.') + 1) + " " + change.path("name").asText());
        if (envoyDiffs && change.hasNonNull("diff")) {
          change.path("diff").asText().lines().forEach(l -> out.println("      " + l));
        }
      }
    }
    JsonNode security = plan.path("securityChanges");
    if (!security.isEmpty()) {
      out.println("Security-relevant (needs a security admin and a reason):");
      security.forEach(s -> out.println("  " + s.asText()));
    }
    if (plan.path("approvalRequired").asBoolean()) {
      out.println("Four-eyes: the change will be proposed, and applied only when a second"
          + " security admin approves it (paymeshctl approve ID).");
    }
  }

  /** The errors of an invalid plan, each {@code documents[i]} path named by its document. */
  static List<String> errors(JsonNode plan, List<SourcedDocument> documents) {
    return ApiReply.errorLines(plan, "").stream()
        .map(line -> {
          Matcher m = DOCUMENT_INDEX.matcher(line);
          if (m.find()) {
            int i = Integer.parseInt(m.group(1));
            if (i < documents.size()) {
              return documents.get(i).label() + ": " + line.substring(m.end());
            }
          }
          return line;
        })
        .toList();
  }

  private static String symbol(String operation) {
    return switch (operation) {
      case "CREATE" -> "+";
      case "DELETE" -> "-";
      case "UNCHANGED" -> "=";
      default -> "~";
    };
  }
}
