package io.paymesh.config.graph;

import io.paymesh.config.graph.MeshGraph.Access;
import io.paymesh.config.graph.MeshGraph.Edge;
import io.paymesh.config.graph.MeshGraph.Node;
import io.paymesh.config.graph.MeshGraph.Zone;
import java.util.List;

/**
 * The mesh picture in Graphviz's DOT language: one cluster per zone (the CDE boundary is a box
 * around the CDE's services), edges styled by access (allowed solid, denied dashed red, routing
 * dotted). Graphviz does the layout; {@code dot -Tsvg} turns it into the SVG the admin API serves.
 */
public final class DotFormat {
  private DotFormat() {}

  public static String render(MeshGraph graph) {
    StringBuilder out = new StringBuilder();
    out.append("digraph paymesh {\n");
    out.append("  graph [rankdir=LR, fontname=\"Helvetica\", labelloc=t, label=")
        .append(quote("paymesh mesh at etcd revision " + graph.revision())).append("];\n");
    out.append("  node [shape=box, style=\"rounded,filled\", fillcolor=white, "
        + "fontname=\"Helvetica\", fontsize=11];\n");
    out.append("  edge [fontname=\"Helvetica\", fontsize=9];\n");
    for (Zone zone : Zone.values()) {
      List<Node> members = graph.nodes().stream().filter(n -> n.zone() == zone).toList();
      if (members.isEmpty()) {
        continue;
      }
      out.append("  subgraph ").append(quote("cluster_" + zone.name().toLowerCase()))
          .append(" {\n");
      out.append("    label=").append(quote(zone.title())).append("; style=filled; fillcolor=")
          .append(quote(fill(zone))).append("; color=").append(quote(border(zone)))
          .append(";\n");
      for (Node node : members) {
        out.append("    ").append(quote(node.id())).append(" [label=")
            .append(quote(node.name() + "\n" + node.detail()))
            .append(node.kind() == MeshGraph.NodeKind.ROUTE_HOST ? ", shape=ellipse" : "")
            .append("];\n");
      }
      out.append("  }\n");
    }
    for (Edge edge : graph.edges()) {
      out.append("  ").append(quote(edge.from())).append(" -> ").append(quote(edge.to()))
          .append(" [label=").append(quote(edge.label())).append(", ").append(style(edge.access()))
          .append("];\n");
    }
    out.append("}\n");
    return out.toString();
  }

  private static String style(Access access) {
    return switch (access) {
      case ALLOWED, EGRESS, PUBLIC -> "color=\"#1b5e20\"";
      case SHADOW_ONLY -> "color=\"#e65100\", style=dashed";
      case DENIED -> "color=\"#b71c1c\", fontcolor=\"#b71c1c\", style=dashed";
      case ROUTE -> "color=\"#546e7a\", style=dotted";
    };
  }

  private static String fill(Zone zone) {
    return switch (zone) {
      case PUBLIC -> "#ede7f6";
      case CDE -> "#fde0dc";
      case CONNECTED -> "#fff3e0";
      case OUT_OF_SCOPE -> "#f1f8e9";
      case EXTERNAL -> "#e3f2fd";
      case ROUTING -> "#f5f5f5";
    };
  }

  private static String border(Zone zone) {
    return zone == Zone.CDE ? "#b71c1c" : "#9e9e9e";
  }

  /** A DOT quoted string: quotes and backslashes escaped, a newline becomes DOT's line break. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> { }
        default -> out.append(c);
      }
    }
    return out.append('"').toString();
  }
}
