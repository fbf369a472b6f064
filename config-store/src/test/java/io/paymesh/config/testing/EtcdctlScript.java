package io.paymesh.config.testing;

import io.etcd.jetcd.Auth;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.OptionsUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs the {@code etcdctl} commands that docs/security.md gives operators for etcd's users and
 * roles, through jetcd's Auth API (etcdctl itself is not installed here), so the documented
 * commands are the ones tested. Understands exactly the forms the doc uses and fails on anything
 * else, so the doc cannot grow a command no test ran.
 */
public final class EtcdctlScript {
  /** The HTML comment in docs/security.md that precedes the fenced block of commands. */
  public static final String ROLES_MARKER = "<!-- etcd-roles: run by EtcdctlScript -->";
  private static final Path SECURITY_DOC = Path.of("..", "docs", "security.md");
  private static final long TIMEOUT_SECONDS = 10;

  private final List<String> commands;

  private EtcdctlScript(List<String> commands) {
    this.commands = List.copyOf(commands);
  }

  /** The role commands of docs/security.md (read relative to a module's directory). */
  public static EtcdctlScript documentedRoles() {
    try {
      return fromMarkdown(Files.readString(SECURITY_DOC, StandardCharsets.UTF_8), ROLES_MARKER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + SECURITY_DOC.toAbsolutePath(), e);
    }
  }

  /** The commands of the first fenced block after {@code marker}, without comments. */
  static EtcdctlScript fromMarkdown(String markdown, String marker) {
    int at = markdown.indexOf(marker);
    if (at < 0) {
      throw new IllegalStateException("no " + marker + " in the document");
    }
    int open = markdown.indexOf("```", at);
    int start = markdown.indexOf('\n', open) + 1;
    int close = markdown.indexOf("```", start);
    List<String> commands = new ArrayList<>();
    for (String line : markdown.substring(start, close).split("\n")) {
      int comment = line.indexOf('#');
      String command = (comment >= 0 ? line.substring(0, comment) : line).trim();
      if (!command.isEmpty()) {
        commands.add(command);
      }
    }
    return new EtcdctlScript(commands);
  }

  public List<String> commands() {
    return commands;
  }

  /**
   * Runs every command as {@code root}. {@code user add NAME --interactive=false < FILE} takes
   * the password {@code passwords} gives for NAME (the doc's file holds it in production).
   */
  public void run(Client root, Function<String, String> passwords) throws Exception {
    Auth auth = root.getAuthClient();
    for (String command : commands) {
      List<String> words = new ArrayList<>(List.of(command.split("\\s+")));
      boolean prefix = words.remove("--prefix=true");
      boolean fromStdin = words.remove("--interactive=false");
      if (!words.get(0).equals("etcdctl")) {
        throw new IllegalArgumentException("not an etcdctl command: " + command);
      }
      String verb = words.size() > 2 ? words.get(1) + " " + words.get(2) : "";
      switch (verb) {
        case "role grant-permission" -> {
          requireArgs(command, words, 6);
          ByteSequence key = bytes(words.get(5));
          ByteSequence end = prefix ? OptionsUtil.prefixEndOf(key) : ByteSequence.EMPTY;
          await(auth.roleGrantPermission(bytes(words.get(3)), key, end,
              Permission.Type.valueOf(words.get(4).toUpperCase(Locale.ROOT))));
        }
        case "role add" -> {
          requireArgs(command, words, 4);
          await(auth.roleAdd(bytes(words.get(3))));
        }
        case "user add" -> {
          if (!fromStdin || words.size() != 6 || !words.get(4).equals("<")) {
            throw new IllegalArgumentException(
                "expected: etcdctl user add NAME --interactive=false < FILE, got: " + command);
          }
          await(auth.userAdd(bytes(words.get(3)), bytes(passwords.apply(words.get(3)))));
        }
        case "user grant-role" -> {
          requireArgs(command, words, 5);
          await(auth.userGrantRole(bytes(words.get(3)), bytes(words.get(4))));
        }
        case "auth enable" -> {
          requireArgs(command, words, 3);
          await(auth.authEnable());
        }
        default -> throw new IllegalArgumentException("command not understood: " + command);
      }
    }
  }

  private static void requireArgs(String command, List<String> words, int count) {
    if (words.size() != count) {
      throw new IllegalArgumentException("unexpected arguments: " + command);
    }
  }

  private static ByteSequence bytes(String text) {
    return ByteSequence.from(text, StandardCharsets.UTF_8);
  }

  private static void await(CompletableFuture<?> call) throws Exception {
    call.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }
}
