package io.paymesh.config.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The etcd user a component authenticates as, and where its password is: a file (a mounted
 * secret) or an environment variable. The password itself is never held here, so these settings
 * can be printed, logged and compared; it is read only when a client is built.
 *
 * @param user the etcd user name, e.g. {@code paymesh-xds-server}
 * @param passwordFile a file holding the password; one trailing newline is ignored
 * @param passwordEnv the name of an environment variable holding the password
 */
public record EtcdAuth(String user, String passwordFile, String passwordEnv) {

  public static EtcdAuth passwordFromFile(String user, Path passwordFile) {
    return new EtcdAuth(user, passwordFile.toString(), null);
  }

  public static EtcdAuth passwordFromEnv(String user, String variable) {
    return new EtcdAuth(user, null, variable);
  }

  /** Reports every problem as (field, message); reads the password to check it is there. */
  void check(Function<String, String> env, BiConsumer<EtcdSettings.Field, String> problems) {
    if (EtcdTls.isBlank(user)) {
      problems.accept(EtcdSettings.Field.AUTH_USER, "required: the etcd user to authenticate as");
    }
    boolean fromFile = passwordFile != null;
    boolean fromEnv = passwordEnv != null;
    if (fromFile == fromEnv) {
      problems.accept(fromFile ? EtcdSettings.Field.AUTH_PASSWORD_ENV
              : EtcdSettings.Field.AUTH_PASSWORD_FILE,
          "the password is needed from exactly one source: a file or an environment variable");
      return;
    }
    try {
      Arrays.fill(readPassword(env), (byte) 0);
    } catch (IllegalArgumentException e) {
      problems.accept(fromFile ? EtcdSettings.Field.AUTH_PASSWORD_FILE
          : EtcdSettings.Field.AUTH_PASSWORD_ENV, e.getMessage());
    }
  }

  /**
   * The password's bytes (UTF-8 for a variable), read now; the caller clears the array after use.
   * Messages name the file or variable, never any of its content.
   */
  byte[] readPassword(Function<String, String> env) {
    byte[] password = passwordFile != null ? readFile(Path.of(passwordFile)) : readEnv(env);
    if (password.length == 0) {
      throw new IllegalArgumentException((passwordFile != null ? passwordFile
          : "environment variable " + passwordEnv) + ": the password is empty");
    }
    return password;
  }

  private byte[] readEnv(Function<String, String> env) {
    if (passwordEnv.isBlank()) {
      throw new IllegalArgumentException("must name an environment variable");
    }
    String value = env.apply(passwordEnv);
    if (value == null) {
      throw new IllegalArgumentException("environment variable " + passwordEnv + " is not set");
    }
    return value.getBytes(StandardCharsets.UTF_8);
  }

  /** The file's bytes without one trailing line break, which editors and `echo` add. */
  private static byte[] readFile(Path file) {
    byte[] content;
    try {
      content = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(file + ": no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(file + ": not readable (permission denied)");
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getClass().getSimpleName());
    }
    int length = content.length;
    if (length > 0 && content[length - 1] == '\n') {
      length--;
      if (length > 0 && content[length - 1] == '\r') {
        length--;
      }
    }
    byte[] password = Arrays.copyOf(content, length);
    Arrays.fill(content, (byte) 0);
    return password;
  }
}
