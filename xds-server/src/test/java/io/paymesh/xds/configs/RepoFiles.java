package io.paymesh.xds.configs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Locates the checked-in deployment files (envoy-configs/, docker/) for tests. Maven runs tests
 * from the module directory, an IDE often from the repository root, so the root is found by
 * walking up to the directory that holds both.
 */
final class RepoFiles {

  static final String ENVOY_CONFIGS = "envoy-configs";
  static final String DOCKER = "docker";
  /** Enough to climb from any module or nested working directory; a bound, not a search. */
  private static final int MAX_LEVELS_UP = 5;

  private RepoFiles() {}

  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    for (int level = 0; level <= MAX_LEVELS_UP && dir != null; level++) {
      if (Files.isDirectory(dir.resolve(ENVOY_CONFIGS)) && Files.isDirectory(dir.resolve(DOCKER))) {
        return dir;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException(
        "no directory holding " + ENVOY_CONFIGS + "/ and " + DOCKER + "/ above "
            + Path.of("").toAbsolutePath());
  }

  static Path envoyConfigs() {
    return root().resolve(ENVOY_CONFIGS);
  }

  /** Files directly in {@code dir} whose name ends with one of {@code suffixes}, sorted. */
  static List<Path> filesEndingWith(Path dir, String... suffixes) {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> Stream.of(suffixes).anyMatch(s -> f.getFileName().toString().endsWith(s)))
          .sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
