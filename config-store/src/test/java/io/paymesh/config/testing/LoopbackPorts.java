package io.paymesh.config.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Free loopback ports for a server that must be told its port before it starts (etcd, a backend
 * whose port goes into the policy). Ports picked one at a time can repeat: the kernel may hand a
 * port it just took back out again, and a CI run had etcd's client and peer URLs on the same port
 * ("bind: address already in use"). {@link #distinct} holds every socket open until all are
 * picked, so the ports of one call differ.
 */
public final class LoopbackPorts {

  private LoopbackPorts() {}

  /** One free loopback port. */
  public static int free() throws IOException {
    return distinct(1)[0];
  }

  /** {@code count} free loopback ports, no two the same. */
  public static int[] distinct(int count) throws IOException {
    List<ServerSocket> held = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket socket : held) {
        socket.close();
      }
    }
  }
}
