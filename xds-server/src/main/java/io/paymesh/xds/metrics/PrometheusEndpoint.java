package io.paymesh.xds.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Serves a replica's metrics in the Prometheus text format on {@code GET /metrics}, over plain
 * HTTP: bind it to loopback or to a network only scrapers reach.
 * The metrics name services and counts, never a secret.
 */
public final class PrometheusEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private PrometheusEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** Binds {@code address} (port 0 picks a free one) and serves at once. */
  public static PrometheusEndpoint start(InetSocketAddress address, XdsMetrics metrics)
      throws IOException {
    try {
      return new PrometheusEndpoint(HTTPServer.builder()
          .inetAddress(address.getAddress())
          .port(address.getPort())
          .registry(metrics.registry())
          .buildAndStart());
    } catch (IOException e) {
      throw new IOException("cannot serve metrics on " + address + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
