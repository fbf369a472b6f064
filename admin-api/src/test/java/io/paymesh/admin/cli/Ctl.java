package io.paymesh.admin.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * Runs paymeshctl in-process against the admin API under test, with its standard input given and
 * its output and errors captured. The server and token come from the environment, as an operator
 * would set them.
 */
final class Ctl {

  /** What one run printed and returned. */
  record Run(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private final IntSupplier port;

  Ctl(IntSupplier port) {
    this.port = port;
  }

  String server() {
    return "http://127.0.0.1:" + port.getAsInt();
  }

  Run as(String token, String... args) {
    return run(token, "", args);
  }

  Run run(String token, String stdin, String... args) {
    return run(token, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), args);
  }

  Run run(String token, InputStream stdin, String... args) {
    Map<String, String> env = new HashMap<>();
    env.put(PaymeshCtl.SERVER_ENV, server());
    if (token != null) {
      env.put(PaymeshCtl.TOKEN_ENV, token);
    }
    return runWith(env, stdin, args);
  }

  static Run runWith(Map<String, String> env, InputStream stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = PaymeshCtl.run(new Terminal(stdin,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), env), args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
