package io.paymesh.config.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP proxy that a test can cut and restore, to take a client off the network without
 * stopping the server: e.g. to change and compact etcd while a watcher is provably disconnected.
 * Point the client at {@link #endpoint()} instead of the server.
 */
public final class TcpProxy implements AutoCloseable {
  private static final int BUFFER = 16 * 1024;
  private static final int CONNECT_TIMEOUT_MS = 2000;

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean cut;
  private volatile boolean closed;

  /** Starts accepting on a free 127.0.0.1 port, forwarding to {@code targetPort} on 127.0.0.1. */
  public TcpProxy(int targetPort) throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    this.target = new InetSocketAddress(loopback, targetPort);
    this.server = new ServerSocket(0, 50, loopback);
    this.acceptor = daemon("tcp-proxy-accept-" + server.getLocalPort(), this::acceptLoop);
    acceptor.start();
  }

  /** For an etcd URL such as {@code http://127.0.0.1:2379}. */
  public static TcpProxy to(String httpEndpoint) throws IOException {
    return new TcpProxy(java.net.URI.create(httpEndpoint).getPort());
  }

  public int port() {
    return server.getLocalPort();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port();
  }

  /** Drops every open connection and refuses new ones until {@link #restore()}. */
  public void cut() {
    cut = true;
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  public void restore() {
    cut = false;
  }

  public boolean isCut() {
    return cut;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    open.forEach(TcpProxy::closeQuietly);
    open.clear();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket downstream;
      try {
        downstream = server.accept();
      } catch (IOException e) {
        return; // server socket closed
      }
      if (cut) {
        closeQuietly(downstream);
        continue;
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(target, CONNECT_TIMEOUT_MS);
      } catch (IOException e) {
        closeQuietly(downstream);
        closeQuietly(upstream);
        continue;
      }
      open.add(downstream);
      open.add(upstream);
      String name = "tcp-proxy-" + downstream.getPort();
      daemon(name + "-up", () -> pump(downstream, upstream)).start();
      daemon(name + "-down", () -> pump(upstream, downstream)).start();
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: tear down both below
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing a socket that is already broken: nothing to report
    }
  }
}
