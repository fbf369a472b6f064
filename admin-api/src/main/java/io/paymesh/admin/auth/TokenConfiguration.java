package io.paymesh.admin.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.Set;

/**
 * One entry of the config's {@code tokens:} list. Only the SHA-256 of a token is configured, so
 * the config file (and anything that logs or dumps it) never holds a usable credential.
 *
 * @param name who the token belongs to; recorded as the actor of every write made with it
 * @param sha256 lower-case hex SHA-256 of the token ({@code printf %s "$TOKEN" | sha256sum})
 */
public record TokenConfiguration(
    @JsonProperty("name") @NotBlank String name,
    @JsonProperty("sha256") @NotNull @Pattern(regexp = "[0-9a-f]{64}", message = "must be 64 lower-case hex digits")
        String sha256,
    @JsonProperty("roles") @NotEmpty Set<@NotNull Role> roles) {

  public TokenConfiguration {
    roles = roles == null ? Set.of() : Set.copyOf(roles);
  }

  /** Never print the hash: it is a dictionary-attack target for short tokens. */
  @Override
  public String toString() {
    return "TokenConfiguration[name=" + name + ", roles=" + roles + "]";
  }
}
