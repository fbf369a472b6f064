package io.paymesh.config.graph;

import io.paymesh.config.graph.MeshGraph.Edge;
import io.paymesh.config.graph.MeshGraph.Node;
import io.paymesh.config.graph.MeshGraph.Zone;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mesh picture as a Mermaid flowchart, for documents and wikis that render Mermaid (GitHub,
 * GitLab): one subgraph per zone, allowed calls as solid arrows, denied ones dotted. Mermaid does
 * the layout where it is shown.
 */
public final class MermaidFormat {
  private MermaidFormat() {}

  public static String render(MeshGraph graph) {
    Map<String, String> ids = mermaidIds(graph.nodes());
    StringBuilder out = new StringBuilder();
    out.append("%% paymesh mesh at etcd revision ").append(graph.revision()).append('\n');
    out.append("flowchart LR\n");
    for (Zone zone : Zone.values()) {
      List<Node> members = graph.nodes().stream().filter(n -> n.zone() == zone).toList();
      if (members.isEmpty()) {
        continue;
      }
      out.append("  subgraph zone_").append(zone.name().toLowerCase()).append("[\"")
          .append(text(zone.title())).append("\"]\n");
      for (Node node : members) {
        String label = text(node.name()) + "<br/>" + text(node.detail());
        out.append("    ").append(ids.get(node.id()))
            .append(node.kind() == MeshGraph.NodeKind.ROUTE_HOST ? "([\"" : "[\"")
            .append(label)
            .append(node.kind() == MeshGraph.NodeKind.ROUTE_HOST ? "\"])" : "\"]")
            .append('\n');
      }
      out.append("  end\n");
    }
    for (Edge edge : graph.edges()) {
      String arrow = switch (edge.access()) {
        case ALLOWED, EGRESS, PUBLIC -> "-->";
        case SHADOW_ONLY, DENIED, ROUTE -> "-.->";
      };
      out.append("  ").append(ids.get(edge.from())).append(' ').append(arrow).append("|\"")
          .append(text(edge.label())).append("\"| ").append(ids.get(edge.to())).append('\n');
    }
    return out.toString();
  }

  /**
   * Mermaid ids are plain words: the node id with everything else replaced, numbered on a clash
   * ({@code service/a-b} and {@code service/a_b} would otherwise meet).
   */
  private static Map<String, String> mermaidIds(List<Node> nodes) {
    Map<String, String> ids = new HashMap<>();
    Map<String, Integer> used = new HashMap<>();
    for (Node node : nodes) {
      String base = node.id().replaceAll("[^A-Za-z0-9]", "_");
      int n = used.merge(base, 1, Integer::sum);
      ids.put(node.id(), n == 1 ? base : base + "_" + n);
    }
    return ids;
  }

  /** Text inside Mermaid quotes: its own entity for a quote, and no markup from the policy. */
  private static String text(String raw) {
    return raw.replace("&", "#amp;").replace("\"", "#quot;").replace("<", "#lt;")
        .replace(">", "#gt;").replace("\n", " ");
  }
}
