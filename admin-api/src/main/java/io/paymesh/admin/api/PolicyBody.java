package io.paymesh.admin.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * A request body of policy documents that is syntactically valid JSON or YAML; whether it holds
 * valid documents is decided later, by the codec, so that every error gets its path.
 *
 * @param text the body as sent
 * @param json the parsed tree when the body was JSON; empty for YAML
 */
public record PolicyBody(String text, Optional<JsonNode> json) {}
