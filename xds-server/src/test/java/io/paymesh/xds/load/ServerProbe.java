package io.paymesh.xds.load;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The xds-server process seen from outside: CPU time from {@code /proc/<pid>/stat} (Linux reports
 * it in USER_HZ = 100 ticks per second), peak resident memory from {@code /proc/<pid>/status},
 * and live heap from {@code jcmd}, after a full GC.
 */
final class ServerProbe {
  private static final long NANOS_PER_TICK = TimeUnit.SECONDS.toNanos(1) / 100;
  private static final Pattern USED = Pattern.compile("used (\\d+)K");

  private final long pid;

  ServerProbe(long pid) {
    this.pid = pid;
  }

  /** User plus system CPU time of the whole process so far. */
  long cpuNanos() {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // Fields after the command name, which is in parentheses and may contain spaces.
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long utime = Long.parseLong(fields[11]);
      long stime = Long.parseLong(fields[12]);
      return (utime + stime) * NANOS_PER_TICK;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the CPU time of process " + pid, e);
    }
  }

  /**
   * Waits until the server uses less than a tenth of a core over a second: it has caught up with
   * what was written before (a mesh written just now keeps it rebuilding for a while after its
   * proxies got a first config). Returns whether it did within the timeout.
   */
  boolean awaitIdle(Duration timeout) {
    long second = TimeUnit.SECONDS.toNanos(1);
    long[] last = {cpuNanos()};
    try {
      await().atMost(timeout).pollDelay(Duration.ofSeconds(1)).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            long now = cpuNanos();
            boolean idle = now - last[0] < second / 10;
            last[0] = now;
            return idle;
          });
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /**
   * The most memory the process has had resident so far ({@code VmHWM}): what it has touched,
   * heap that grew to hold garbage included. On a VM whose host backs guest memory only when it
   * is first touched, or takes freed memory back, touching new memory is slow, and this says how
   * much of it a run had to touch.
   */
  long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
      throw new IllegalStateException("/proc/" + pid + "/status has no VmHWM line");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the memory of process " + pid, e);
    }
  }

  /** Heap in use right after a full GC: what the server keeps alive. */
  long liveHeapBytes() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher used = USED.matcher(jcmd("GC.heap_info"));
    if (!used.find()) {
      throw new IllegalStateException("jcmd GC.heap_info of " + pid + " shows no heap use");
    }
    return Long.parseLong(used.group(1)) * 1024;
  }

  /** The live object histogram by class, as {@code jcmd GC.class_histogram} prints it. */
  void writeHistogram(Path file) throws IOException, InterruptedException {
    Files.writeString(file, jcmd("GC.class_histogram"));
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder("jcmd", Long.toString(pid), command)
        .redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException("jcmd " + pid + " " + command + " failed: " + output);
    }
    return output;
  }
}
