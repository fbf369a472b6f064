package io.paymesh.xds.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Command line for {@link LocalCa}: generates a development root and workload CA into a directory
 * for {@code scripts/run} and the compose mesh. Not for production, where the intermediate comes
 * from the organisation's PKI.
 */
@Command(name = "paymesh-local-ca", mixinStandardHelpOptions = true,
    description = "Writes root.pem, ca.pem and ca-key.pem (mode 0600) for a development mesh; "
        + "refuses to overwrite existing files.")
public final class LocalCaMain implements Callable<Integer> {
  static final int EXIT_EXISTS = 3;
  static final int EXIT_IO = 4;

  @Option(names = "--dir", required = true, description = "output directory (created if needed)")
  Path dir;

  @Option(names = "--name", defaultValue = "paymesh local",
      description = "common-name stem of both certificates (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--root-days", defaultValue = "3650",
      description = "root lifetime in days (default: ${DEFAULT-VALUE})")
  int rootDays;

  @Option(names = "--ca-days", defaultValue = "365",
      description = "workload CA lifetime in days (default: ${DEFAULT-VALUE})")
  int caDays;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return new CommandLine(new LocalCaMain()).execute(args);
  }

  @Override
  public Integer call() {
    if (rootDays < 1 || caDays < 1) {
      System.err.println("--root-days and --ca-days must be at least 1");
      return CommandLine.ExitCode.USAGE;
    }
    LocalCa ca = LocalCa.generate(name, Duration.ofDays(rootDays), Duration.ofDays(caDays),
        Clock.systemUTC());
    try {
      ca.writeTo(dir);
    } catch (FileAlreadyExistsException e) {
      System.err.println(e.getFile() + ": exists; refusing to overwrite a CA (remove the "
          + "directory's CA files first)");
      return EXIT_EXISTS;
    } catch (IOException e) {
      System.err.println("cannot write the CA into " + dir + ": " + e);
      return EXIT_IO;
    }
    System.out.println("wrote " + dir.resolve(LocalCa.ROOT_FILE) + " (trust bundle), "
        + dir.resolve(LocalCa.CA_FILE) + " (signing chain), " + dir.resolve(LocalCa.CA_KEY_FILE)
        + " (key, mode 0600): " + ca);
    return CommandLine.ExitCode.OK;
  }
}
