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
 *
 * <p>{@link #holdAnswersOnceSent} lets a request through and then holds every answer, so the
 * server acts on the request but the client never hears back: what a client sees when etcd
 * applies a write and stops, or the network fails, before the answer arrives.
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
  private final Object holdLock = new Object();
  private volatile byte[] holdMarker;
  private volatile boolean holding;

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

  /**
   * Arms the proxy: once a client sends bytes containing {@code marker} (e.g. a key only a write
   * carries), those bytes still reach the server but no answer on any connection reaches a client
   * until {@link #releaseAnswers()}.
   */
  public void holdAnswersOnceSent(String marker) {
    holdMarker = marker.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** True once an armed marker was sent and answers are being held. */
  public boolean isHoldingAnswers() {
    return holding;
  }

  /**
   * Disarms, and drops the connections whose answers were held (their clients reconnect), so a
   * held answer is never delivered late.
   */
  public void releaseAnswers() {
    holdMarker = null;
    cut();
    synchronized (holdLock) {
      holding = false;
      holdLock.notifyAll();
    }
    restore();
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
      daemon(name + "-up", () -> pump(downstream, upstream, true)).start();
      daemon(name + "-down", () -> pump(upstream, downstream, false)).start();
    }
  }

  private void pump(Socket from, Socket to, boolean toServer) {
    byte[] buffer = new byte[BUFFER];
    // The end of the previous read, so a marker split across two reads is still seen.
    byte[] seen = new byte[0];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (toServer) {
          seen = watchForMarker(seen, buffer, n);
        } else {
          awaitRelease();
        }
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // one side went away: tear down both below
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  private byte[] watchForMarker(byte[] previous, byte[] buffer, int n) {
    byte[] marker = holdMarker;
    if (marker == null) {
      return new byte[0];
    }
    byte[] window = new byte[previous.length + n];
    System.arraycopy(previous, 0, window, 0, previous.length);
    System.arraycopy(buffer, 0, window, previous.length, n);
    if (indexOf(window, marker) >= 0) {
      holding = true;  // before these bytes are forwarded, so their answer is held
    }
    int keep = Math.min(window.length, marker.length - 1);
    return java.util.Arrays.copyOfRange(window, window.length - keep, window.length);
  }

  /**
   * Blocks an answer while answers are held. {@link #releaseAnswers} closes the sockets first, so a
   * held answer then fails to be written instead of arriving late.
   */
  private void awaitRelease() throws InterruptedException {
    synchronized (holdLock) {
      while (holding) {
        holdLock.wait();
      }
    }
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
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
