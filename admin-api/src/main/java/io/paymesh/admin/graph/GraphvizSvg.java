package io.paymesh.admin.graph;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lays out a DOT graph with Graphviz ({@code dot -Tsvg}, Debian's {@code graphviz} package): the
 * layout engine is Graphviz's, paymesh only writes the graph. One process per picture, bounded in
 * time and in output.
 */
public final class GraphvizSvg {
  /** A mesh of thousands of services draws in well under this; more means something is wrong. */
  private static final int MAX_SVG_BYTES = 32 * 1024 * 1024;

  private final String dotCommand;
  private final Duration timeout;

  public GraphvizSvg(String dotCommand, Duration timeout) {
    this.dotCommand = dotCommand;
    this.timeout = timeout;
  }

  /** Graphviz is missing or failed; the message says which, without the graph's content. */
  public static final class RenderException extends Exception {
    private static final long serialVersionUID = 1L;

    RenderException(String message) {
      super(message, null, false, false);
    }
  }

  public String render(String dot) throws RenderException {
    Process process;
    try {
      process = new ProcessBuilder(List.of(dotCommand, "-Tsvg")).start();
    } catch (IOException e) {
      throw new RenderException("Graphviz's '" + dotCommand + "' could not be started ("
          + e.getMessage() + "); install the graphviz package on the admin API's host, or ask "
          + "for format=dot or format=mermaid");
    }
    try {
      CompletableFuture<byte[]> svg = CompletableFuture.supplyAsync(
          () -> readBounded(process.getInputStream()));
      CompletableFuture<byte[]> errors = CompletableFuture.supplyAsync(
          () -> readBounded(process.getErrorStream()));
      try (OutputStream in = process.getOutputStream()) {
        in.write(dot.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new RenderException("Graphviz did not finish within " + timeout);
      }
      if (process.exitValue() != 0) {
        String detail = new String(errors.get(1, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        throw new RenderException("Graphviz exited with " + process.exitValue() + ": "
            + detail.strip().lines().findFirst().orElse("no message"));
      }
      return new String(svg.get(timeout.toMillis(), TimeUnit.MILLISECONDS),
          StandardCharsets.UTF_8);
    } catch (IOException | ExecutionException | TimeoutException e) {
      throw new RenderException("Graphviz failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RenderException("interrupted while Graphviz ran");
    } finally {
      process.destroyForcibly();
    }
  }

  private static byte[] readBounded(InputStream stream) {
    try (stream) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[64 * 1024];
      int n;
      while ((n = stream.read(buffer)) != -1) {
        if (out.size() + n > MAX_SVG_BYTES) {
          throw new IOException("Graphviz wrote more than " + MAX_SVG_BYTES + " bytes");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
