package io.paymesh.config.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void distinct_givesPortsThatDifferAndAreFreeOnLoopback() throws Exception {
    // Many at once: one at a time, the kernel hands a just-closed port out again now and then.
    int[] ports = LoopbackPorts.distinct(64);

    assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(64);
    List<ServerSocket> bound = new ArrayList<>();
    try {
      for (int port : ports) {
        bound.add(new ServerSocket(port, 1, InetAddress.getLoopbackAddress()));
      }
      assertThat(bound).allSatisfy(socket -> assertThat(socket.isBound()).isTrue());
    } finally {
      for (ServerSocket socket : bound) {
        socket.close();
      }
    }
  }
}
