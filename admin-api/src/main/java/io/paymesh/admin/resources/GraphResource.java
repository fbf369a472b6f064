package io.paymesh.admin.resources;

import io.dropwizard.auth.Auth;
import io.paymesh.admin.auth.AdminPrincipal;
import io.paymesh.admin.errors.ApiException;
import io.paymesh.admin.graph.GraphvizSvg;
import io.paymesh.config.graph.DotFormat;
import io.paymesh.config.graph.MermaidFormat;
import io.paymesh.config.graph.MeshGraph;
import io.paymesh.config.store.PolicyRepository;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * {@code GET /v1/graph}: the mesh as the current policy draws it (who may call whom, the CDE
 * boundary, external processors, mTLS or TLS on each edge; {@link MeshGraph}), as SVG laid out
 * by Graphviz, or as DOT or Mermaid text. Any role may read it, as any role may read the policy
 * it is drawn from.
 */
@Path("/v1/graph")
@PermitAll
public final class GraphResource {
  static final String SVG = "image/svg+xml";
  static final String DOT = "text/vnd.graphviz; charset=utf-8";
  static final String MERMAID = "text/plain; charset=utf-8";
  private static final List<String> FORMATS = List.of("svg", "dot", "mermaid");
  /**
   * The picture is opened in browsers: nothing in it may run or load anything (Graphviz's SVG
   * needs inline styles only).
   */
  private static final String SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

  private final PolicyRepository repository;
  private final GraphvizSvg graphviz;

  public GraphResource(PolicyRepository repository, GraphvizSvg graphviz) {
    this.repository = repository;
    this.graphviz = graphviz;
  }

  @GET
  public Response graph(@Auth AdminPrincipal caller,
      @QueryParam("format") @DefaultValue("svg") String format) {
    if (!FORMATS.contains(format)) {
      throw ApiException.badRequest("format must be one of " + String.join(", ", FORMATS));
    }
    MeshGraph graph = MeshGraph.of(repository.loadSnapshot());
    return switch (format) {
      case "dot" -> Response.ok(DotFormat.render(graph), DOT).build();
      case "mermaid" -> Response.ok(MermaidFormat.render(graph), MERMAID).build();
      default -> svg(graph);
    };
  }

  private Response svg(MeshGraph graph) {
    try {
      return Response.ok(graphviz.render(DotFormat.render(graph)), SVG)
          .header("Content-Security-Policy", SVG_POLICY)
          .build();
    } catch (GraphvizSvg.RenderException e) {
      throw new ApiException(503, e.getMessage(), List.of());
    }
  }
}
