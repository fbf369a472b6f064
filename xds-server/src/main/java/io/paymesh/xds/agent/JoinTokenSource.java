package io.paymesh.xds.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where the one-time join token for a first certificate comes from: a file or an environment
 * variable, never a command-line argument (readable by anyone in /proc). Read only when needed;
 * implementations' string forms name the source, never the token.
 */
@FunctionalInterface
public interface JoinTokenSource {
  /** The environment variable the command line reads when no token file is given. */
  String ENVIRONMENT_VARIABLE = "PAYMESH_JOIN_TOKEN";

  /** The token, or empty if this source has none. */
  Optional<String> read() throws IOException;

  /** No token: only a workload that still holds a valid certificate can start. */
  static JoinTokenSource none() {
    return new JoinTokenSource() {
      @Override
      public Optional<String> read() {
        return Optional.empty();
      }

      @Override
      public String toString() {
        return "no join token";
      }
    };
  }

  /** The file's content without surrounding whitespace; an empty file is an error. */
  static JoinTokenSource file(Path file) {
    return new JoinTokenSource() {
      @Override
      public Optional<String> read() throws IOException {
        String token = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (token.isEmpty()) {
          throw new IOException("join token file " + file + " is empty");
        }
        return Optional.of(token);
      }

      @Override
      public String toString() {
        return "join token file " + file;
      }
    };
  }

  /** {@link #ENVIRONMENT_VARIABLE} in the given environment, if set and not blank. */
  static JoinTokenSource environment(Map<String, String> environment) {
    Optional<String> token = Optional.ofNullable(environment.get(ENVIRONMENT_VARIABLE))
        .map(String::strip)
        .filter(t -> !t.isEmpty());
    return new JoinTokenSource() {
      @Override
      public Optional<String> read() {
        return token;
      }

      @Override
      public String toString() {
        return "environment variable " + ENVIRONMENT_VARIABLE;
      }
    };
  }

  /** A token given in code (tests, embedding). */
  static JoinTokenSource of(String token) {
    Optional<String> value = Optional.of(token);
    return new JoinTokenSource() {
      @Override
      public Optional<String> read() {
        return value;
      }

      @Override
      public String toString() {
        return "join token given in code";
      }
    };
  }
}
