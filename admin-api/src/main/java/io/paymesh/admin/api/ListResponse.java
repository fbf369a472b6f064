package io.paymesh.admin.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The documents of one kind that pass the filters, sorted by name, each with its revision. */
public record ListResponse(List<ObjectNode> items) {

  public ListResponse {
    items = List.copyOf(items);
  }
}
