package io.paymesh.xds.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replaces a set of files in a directory at once, like Kubernetes' AtomicWriter: a new hidden
 * {@code ..<timestamp>.<n>} directory per set, one atomic rename of the {@code ..data} symlink
 * onto it, and stable links ({@code cert.pem -> ..data/cert.pem}). One writer per directory.
 */
final class AtomicDirectoryWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicDirectoryWriter.class);

  static final String DATA_LINK = "..data";
  private static final String DATA_LINK_TMP = "..data_tmp";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy_MM_dd_HH_mm_ss.SSSSSSSSS").withZone(ZoneOffset.UTC);
  /** Only directories of this shape are ours to delete. */
  private static final Pattern DATA_DIR_NAME =
      Pattern.compile("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}\\.\\d+");

  static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwxr-x---");

  /** One file of a set: its path relative to the directory (e.g. {@code sds/x.yaml}) and mode. */
  record FileSpec(String relativePath, byte[] content, Set<PosixFilePermission> mode) {
    FileSpec {
      Path p = Path.of(relativePath);
      if (p.isAbsolute() || p.normalize().startsWith("..") || relativePath.startsWith("..")) {
        throw new IllegalArgumentException("not a plain relative path: " + relativePath);
      }
    }

    /** The top-level name a stable symlink is made for ({@code sds} for {@code sds/x.yaml}). */
    String topLevelName() {
      return Path.of(relativePath).getName(0).toString();
    }

    @Override
    public String toString() {
      // Content left out: one of the files is a private key.
      return "FileSpec[" + relativePath + ", " + PosixFilePermissions.toString(mode) + "]";
    }
  }

  private final Path dir;
  private final Clock clock;

  AtomicDirectoryWriter(Path dir, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.clock = clock;
  }

  Path dir() {
    return dir;
  }

  /** The directory {@code ..data} points at now, if a set was ever written. */
  Optional<Path> currentDataDir() throws IOException {
    Path link = dir.resolve(DATA_LINK);
    if (!Files.isSymbolicLink(link)) {
      return Optional.empty();
    }
    return Optional.of(dir.resolve(Files.readSymbolicLink(link)).normalize());
  }

  /** Writes the files as the new current set and returns its data directory. */
  Path write(List<FileSpec> files) throws IOException {
    ensureDirectory();
    Optional<Path> previous = currentDataDir();
    Path data = Files.createTempDirectory(dir, ".." + STAMP.format(clock.instant()) + ".",
        PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    Files.setPosixFilePermissions(data, DIRECTORY_MODE);
    Set<String> topLevel = new LinkedHashSet<>();
    for (FileSpec file : files) {
      writeFile(data, file);
      topLevel.add(file.topLevelName());
    }

    // The switch: one rename(2) of a symlink over the old one. Readers see old or new, whole.
    Path tmpLink = dir.resolve(DATA_LINK_TMP);
    Files.deleteIfExists(tmpLink);
    Files.createSymbolicLink(tmpLink, data.getFileName());
    Files.move(tmpLink, dir.resolve(DATA_LINK), StandardCopyOption.ATOMIC_MOVE);

    for (String name : topLevel) {
      linkStableName(name);
    }
    removeOldDataDirs(data, previous);
    return data;
  }

  private void ensureDirectory() throws IOException {
    if (Files.isDirectory(dir)) {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
      if (mode.contains(PosixFilePermission.GROUP_WRITE)
          || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
        // Others could swap our symlinks for their own certificate and key.
        LOG.warn("{} is writable by group or others ({}); make it 0750 or 0700", dir,
            PosixFilePermissions.toString(mode));
      }
      return;
    }
    Files.createDirectories(dir.getParent());
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    } catch (FileAlreadyExistsException e) {
      return; // created meanwhile by someone else: as above, leave its mode alone
    }
    Files.setPosixFilePermissions(dir, DIRECTORY_MODE); // the umask may have taken bits away
  }

  private static void writeFile(Path data, FileSpec file) throws IOException {
    Path target = data.resolve(file.relativePath());
    Path parent = target.getParent();
    if (!parent.equals(data) && !Files.isDirectory(parent)) {
      Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
      Files.setPosixFilePermissions(parent, DIRECTORY_MODE);
    }
    // Created with its final mode, so a key is never readable by others even for a moment.
    try (FileChannel out = FileChannel.open(target,
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        PosixFilePermissions.asFileAttribute(file.mode()))) {
      ByteBuffer buffer = ByteBuffer.wrap(file.content());
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
      // On disk before the switch: after a crash, ..data never points at empty files.
      out.force(true);
    }
    Files.setPosixFilePermissions(target, file.mode());
  }

  /** {@code name -> ..data/name}, made once; a plain file in its way is replaced atomically. */
  private void linkStableName(String name) throws IOException {
    Path link = dir.resolve(name);
    Path target = Path.of(DATA_LINK, name);
    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).equals(target)) {
      return;
    }
    Path tmp = dir.resolve(DATA_LINK_TMP);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, target);
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The previous set, and any set a crashed writer left behind; never the current one. */
  private void removeOldDataDirs(Path current, Optional<Path> previous) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        boolean ours = DATA_DIR_NAME.matcher(name).matches()
            || previous.map(entry::equals).orElse(false);
        if (ours && !entry.equals(current)
            && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          deleteTree(entry);
        }
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException e) {
          // already gone
        }
      }
    }
  }
}
