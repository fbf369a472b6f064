package io.paymesh.xds.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The probe reads a live process's memory from /proc: here, this test's own JVM. */
class ServerProbeTest {
  private static final int MIB = 1024 * 1024;

  @Test
  void peakResidentMemory_includesWhatTheProcessTouched() {
    byte[] touched = new byte[64 * MIB];
    Arrays.fill(touched, (byte) 1);

    long peak = new ServerProbe(ProcessHandle.current().pid()).peakResidentBytes();

    assertThat(touched[touched.length - 1]).isEqualTo((byte) 1);
    assertThat(peak).isGreaterThanOrEqualTo(64L * MIB)
        .isLessThanOrEqualTo(Runtime.getRuntime().maxMemory() + 1024L * MIB);
  }
}
