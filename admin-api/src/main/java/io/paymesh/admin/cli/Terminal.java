package io.paymesh.admin.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What paymeshctl talks to besides the API: standard input, output and error, and the
 * environment. Injected so that tests drive the real commands in-process.
 */
public final class Terminal {

  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final Map<String, String> env;
  private BufferedReader lines;

  public Terminal(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
    this.in = in;
    this.out = out;
    this.err = err;
    this.env = Map.copyOf(env);
  }

  static Terminal system() {
    return new Terminal(System.in, System.out, System.err, System.getenv());
  }

  PrintStream out() {
    return out;
  }

  PrintStream err() {
    return err;
  }

  Optional<String> env(String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  /** All of standard input, for {@code -f -}. */
  String readAllInput() {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading standard input", e);
    }
  }

  /** Asks a yes/no question on stderr and reads the answer from stdin; no answer is no. */
  boolean confirm(String question) {
    err.print(question + " [y/N] ");
    err.flush();
    try {
      if (lines == null) {
        lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      }
      String answer = lines.readLine();
      return answer != null && (answer.strip().equalsIgnoreCase("y")
          || answer.strip().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    }
  }
}
