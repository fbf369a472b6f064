package io.paymesh.admin.api;

import java.util.List;

/**
 * {@code GET /v1/schemas}: one entry per policy kind, where its JSON Schema is served, and where
 * the schema for documents of any kind is ({@code anyKind}).
 */
public record SchemaIndexResponse(List<Entry> schemas, String anyKind) {

  public SchemaIndexResponse {
    schemas = List.copyOf(schemas);
  }

  /**
   * @param kind the document's {@code kind}, e.g. {@code RouteTable}
   * @param path the URL segment, e.g. {@code routetables}
   * @param url the schema's path on this API, e.g. {@code /v1/schemas/routetables}
   */
  public record Entry(String kind, String path, String url) {}
}
