package io.paymesh.admin.resources;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.store.DamagedDocument;
import io.paymesh.config.store.StoredDocument;
import java.util.regex.Pattern;

/**
 * A damaged document (stored in etcd around the API, no longer decoding or validating) as the API
 * shows it, so an operator can repair it: {@code kind}, {@code name}, the damaged
 * {@code revision} (the ETag a repair sends as If-Match), {@code damaged: true}, the
 * {@code reasons}, the version the xds-servers serve meanwhile ({@code lastGood}, absent when
 * none is known) and, on a single read only, the {@code stored} text.
 *
 * <p>The stored text is what an operator needs to see what went wrong, but no more of it: it is
 * cut after {@link #MAX_STORED_CHARS} characters, and a PEM private key pasted into it is redacted.
 * Policy documents hold no secrets by design (TLS material is referenced by SDS name, and the
 * Gate refuses an inline private key), but a hand-written value is not bound by the design.
 */
final class DamagedDocumentViews {

  static final String DAMAGED = "damaged";
  static final String REASONS = "reasons";
  static final String STORED = "stored";
  static final String STORED_TRUNCATED = "storedTruncated";
  static final String LAST_GOOD = "lastGood";
  /** Enough to show a realistic policy document whole; a longer text is cut, and says so. */
  static final int MAX_STORED_CHARS = 64 * 1024;
  static final String REDACTED_KEY = "[redacted: private key]";
  private static final Pattern PRIVATE_KEY = Pattern.compile(
      "-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----.*?(-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
      Pattern.DOTALL);

  private final ObjectMapper mapper;
  private final DocumentViews views;

  DamagedDocumentViews(ObjectMapper mapper, DocumentViews views) {
    this.mapper = mapper;
    this.views = views;
  }

  /** The answer to a GET of the document: everything below plus the stored text. */
  ObjectNode view(DamagedDocument damaged) {
    ObjectNode node = listItem(damaged);
    String stored = PRIVATE_KEY.matcher(damaged.storedText()).replaceAll(REDACTED_KEY);
    if (stored.length() > MAX_STORED_CHARS) {
      node.put(STORED, stored.substring(0, MAX_STORED_CHARS));
      node.put(STORED_TRUNCATED, true);
    } else {
      node.put(STORED, stored);
    }
    return node;
  }

  /** An item of a list: flagged, with its reasons, without the stored text. */
  ObjectNode listItem(DamagedDocument damaged) {
    ObjectNode node = mapper.createObjectNode();
    node.put("kind", damaged.document().kind().wireName());
    node.put("name", damaged.document().name());
    node.put(DocumentViews.REVISION, damaged.modRevision());
    node.put(DAMAGED, true);
    ArrayNode reasons = node.putArray(REASONS);
    damaged.errors().forEach(reasons::add);
    damaged.lastGood().ifPresent(good -> node.set(LAST_GOOD, lastGood(good)));
    return node;
  }

  private ObjectNode lastGood(StoredDocument good) {
    return views.withRevision(good.resource(), good.modRevision());
  }
}
