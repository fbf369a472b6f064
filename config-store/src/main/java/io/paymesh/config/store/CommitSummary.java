package io.paymesh.config.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.idempotency.IdempotencyRecord;
import io.paymesh.config.model.Kind;
import io.paymesh.config.model.ResourceKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a commit did, without the documents: its revision and the operation on each document. All
 * an answer to a write needs, and what a commit under an idempotency key stores as its outcome
 * ({@code {"changes":[{"kind","name","operation"}]}}; the revision is the record's), so that a
 * retry can be answered exactly as the original was.
 */
public record CommitSummary(long revision, List<Entry> changes) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CHANGES = "changes";
  private static final String KIND = "kind";
  private static final String NAME = "name";
  private static final String OPERATION = "operation";

  /** One document of the commit. */
  public record Entry(ResourceKey key, Operation operation) {
    public Entry {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(operation, "operation");
    }
  }

  public CommitSummary {
    changes = List.copyOf(changes);
  }

  /** The summary a commit stored in {@code record} (see {@link PolicyRepository#commit}). */
  public static CommitSummary of(IdempotencyRecord record) {
    try {
      JsonNode node = JSON.readTree(record.outcome());
      List<Entry> entries = new ArrayList<>();
      for (JsonNode change : node.path(CHANGES)) {
        Kind kind = Kind.fromWireName(change.path(KIND).asText())
            .orElseThrow(() -> new IllegalArgumentException("not a commit outcome"));
        entries.add(new Entry(new ResourceKey(kind, change.path(NAME).asText()),
            Operation.valueOf(change.path(OPERATION).asText())));
      }
      if (entries.isEmpty()) {
        throw new IllegalArgumentException("not a commit outcome: no changes");
      }
      return new CommitSummary(record.revision(), entries);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcome JSON of {@code entries}, as stored in an idempotency record. */
  static String outcomeJson(List<Entry> entries) {
    ObjectNode node = JSON.createObjectNode();
    ArrayNode changes = node.putArray(CHANGES);
    for (Entry entry : entries) {
      changes.addObject()
          .put(KIND, entry.key().kind().wireName())
          .put(NAME, entry.key().name())
          .put(OPERATION, entry.operation().name());
    }
    return node.toString();
  }
}
