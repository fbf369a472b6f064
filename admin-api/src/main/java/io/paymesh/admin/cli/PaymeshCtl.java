package io.paymesh.admin.cli;

import io.paymesh.config.codec.PolicyCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * paymeshctl, the operators' command line over the admin API: apply documents with a plan and a
 * confirmation, read, diff, delete, history and rollback, proxy status and four-eyes approval.
 * It lives in the admin-api module because it reads and writes documents with the same codec as
 * the API, and its tests start the real API. The token comes from a file or the environment,
 * never from the command line (it would be in the shell history and the process list).
 */
@Command(name = "paymeshctl", mixinStandardHelpOptions = true, version = "paymeshctl 0.1.0",
    description = "Operate a paymesh control plane through its admin API.",
    footer = {"", "Exit codes: 0 ok, 1 error, 2 usage, 3 refused (invalid, 401, 403, 422), "
        + "4 conflict (409, 412, 428), 5 unreachable (or 503). See docs/paymeshctl.md."},
    subcommands = {ApplyCommand.class, GetCommand.class, DiffCommand.class, DeleteCommand.class,
        HistoryCommand.class, RollbackCommand.class, ProxiesCommand.class,
        ProposalsCommand.class, ApproveCommand.class, GraphCommand.class, SchemasCommand.class})
public final class PaymeshCtl {

  static final String SERVER_ENV = "PAYMESH_SERVER";
  static final String TOKEN_ENV = "PAYMESH_TOKEN";
  static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
  private static final List<String> TOKEN_OPTIONS = List.of("--token", "-t");

  @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "the admin API (default: $" + SERVER_ENV + ", else " + DEFAULT_SERVER + ")")
  String server;

  @Option(names = "--token-file", scope = ScopeType.INHERIT, paramLabel = "FILE",
      description = "a file holding the API token (default: the token in $" + TOKEN_ENV + ")")
  Path tokenFile;

  final Terminal terminal;
  final PolicyCodec codec = new PolicyCodec();
  private AdminClient client;

  PaymeshCtl(Terminal terminal) {
    this.terminal = terminal;
  }

  public static void main(String[] args) {
    System.exit(run(Terminal.system(), args));
  }

  /** Runs one command line; the exit code (see {@link ExitCodes}). */
  public static int run(Terminal terminal, String... args) {
    Optional<String> tokenOption = tokenOnCommandLine(args);
    if (tokenOption.isPresent()) {
      // Said before parsing, so the value is never echoed in an "unknown option" message.
      terminal.err().println("paymeshctl: " + tokenOption.get() + " is not an option: a token on"
          + " the command line would be in the shell history and the process list. Use"
          + " --token-file FILE or the environment variable " + TOKEN_ENV + ".");
      return ExitCodes.USAGE;
    }
    CommandLine line = new CommandLine(new PaymeshCtl(terminal));
    line.setOut(new PrintWriter(terminal.out(), true));
    line.setErr(new PrintWriter(terminal.err(), true));
    line.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      if (e instanceof CtlException failure) {
        commandLine.getErr().println("paymeshctl: " + failure.getMessage());
        return failure.exitCode();
      }
      commandLine.getErr().println("paymeshctl: unexpected error: " + e);
      return ExitCodes.ERROR;
    });
    return line.execute(args);
  }

  /** The admin API client for this run: server and token from the options or environment. */
  AdminClient client() {
    if (client == null) {
      client = new AdminClient(serverUri(), token());
    }
    return client;
  }

  private URI serverUri() {
    String url = Optional.ofNullable(server).or(() -> terminal.env(SERVER_ENV))
        .orElse(DEFAULT_SERVER);
    try {
      URI uri = URI.create(url.endsWith("/") ? url : url + "/");
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("not http(s)");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new CtlException(ExitCodes.USAGE,
          "--server must be an http:// or https:// URL, got " + url);
    }
  }

  private BearerToken token() {
    if (tokenFile != null) {
      String text;
      try {
        text = Files.readString(tokenFile).strip();
      } catch (IOException e) {
        throw new CtlException(ExitCodes.USAGE, "cannot read the token file " + tokenFile
            + ": " + e.getClass().getSimpleName());
      }
      if (text.isEmpty()) {
        throw new CtlException(ExitCodes.USAGE, "the token file " + tokenFile + " is empty");
      }
      return new BearerToken(text);
    }
    return terminal.env(TOKEN_ENV).map(String::strip).map(BearerToken::new)
        .orElseThrow(() -> new CtlException(ExitCodes.USAGE, "no API token: set the"
            + " environment variable " + TOKEN_ENV + " or pass --token-file FILE"));
  }

  private static Optional<String> tokenOnCommandLine(String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        return Optional.empty();
      }
      for (String option : TOKEN_OPTIONS) {
        if (arg.equals(option) || arg.startsWith(option + "=")) {
          return Optional.of(option);
        }
      }
    }
    return Optional.empty();
  }
}
