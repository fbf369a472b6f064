package io.paymesh.xds.agent;

import ch.qos.logback.classic.Level;
import io.paymesh.xds.translate.XdsNames;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The workload agent's command line ({@code java -cp xds-server.jar
 * io.paymesh.xds.agent.WorkloadAgentMain}): flags to {@link WorkloadAgentOptions}, runs a
 * {@link WorkloadAgent}, maps the outcome to the documented exit codes.
 */
@Command(
    name = "workload-agent",
    mixinStandardHelpOptions = true,
    version = "paymesh workload agent",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
        "Gets the workload's certificate from the paymesh control plane (a CSR for a key made"
            + " here, signed over TLS), writes it atomically to --dir with its key, the trust"
            + " bundle and Envoy's SDS files, and renews it at about half its lifetime.",
        "The join token for the first certificate is read from --join-token-file, else from the"
            + " environment variable " + JoinTokenSource.ENVIRONMENT_VARIABLE
            + ", never from the command line."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:--once: a certificate was written. (A running agent runs until stopped; on SIGTERM"
            + " it closes and the JVM exits with 143.)",
        "1:no certificate could be obtained (every CA failed or refused, no join token, unusable"
            + " answer, unwritable --dir).",
        "2:usage error (missing or invalid flag, unreadable --trust-bundle or --join-token-file).",
        "3:the certificate expired without a renewal: a new join token is needed."})
public final class WorkloadAgentMain implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WorkloadAgentMain.class);

  public static final int EXIT_OK = 0;
  public static final int EXIT_NO_CERTIFICATE = 1;
  public static final int EXIT_USAGE = CommandLine.ExitCode.USAGE;
  public static final int EXIT_EXPIRED = 3;

  /** The log levels --log-level accepts. */
  enum LogLevel { ERROR, WARN, INFO, DEBUG }

  @Option(names = "--service", required = true, paramLabel = "NAME",
      description = "The Service (policy name) whose identity this workload gets.")
  String service;

  @Option(names = "--ca", required = true, split = ",", paramLabel = "HOST:PORT",
      description = "A control-plane replica that signs (its ADS port). Repeatable; tried in"
          + " turn until one answers.")
  List<String> ca;

  @Option(names = "--trust-bundle", required = true, paramLabel = "FILE",
      description = "PEM CA certificates that the control plane's TLS certificate chains to,"
          + " for the first request; later requests trust the bundle the CA returned.")
  Path trustBundle;

  @Option(names = "--join-token-file", paramLabel = "FILE",
      description = "File holding the one-time join token for the first certificate. Default:"
          + " the environment variable " + JoinTokenSource.ENVIRONMENT_VARIABLE + ".")
  Path joinTokenFile;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = XdsNames.IDENTITY_DIR,
      description = "Where cert.pem, key.pem, bundle.pem and sds/ are written."
          + " Default: ${DEFAULT-VALUE}.")
  Path dir;

  @Option(names = "--once",
      description = "Get (or renew) one certificate, write it and exit: for init containers.")
  boolean once;

  @Option(names = "--log-level", paramLabel = "LEVEL",
      description = "ERROR, WARN, INFO (default) or DEBUG.")
  LogLevel logLevel;

  /** Accepted only to refuse it with a clear message; its value is never echoed. */
  @Option(names = "--join-token", hidden = true, arity = "0..1", fallbackValue = "")
  String joinTokenOnCommandLine;

  @Spec
  CommandSpec spec;

  private final Map<String, String> environment;

  WorkloadAgentMain(Map<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    int code = run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true),
        System.getenv());
    System.exit(code);
  }

  /** Runs the command line and returns its exit code (tests call this, not main). */
  static int run(String[] args, PrintWriter out, PrintWriter err, Map<String, String> environment) {
    CommandLine commandLine = new CommandLine(new WorkloadAgentMain(environment));
    commandLine.setOut(out);
    commandLine.setErr(err);
    return commandLine.execute(args);
  }

  @Override
  public Integer call() {
    if (joinTokenOnCommandLine != null) {
      throw usage("--join-token is not accepted: every process on the host can read a command"
          + " line; put the token in a file (--join-token-file) or in "
          + JoinTokenSource.ENVIRONMENT_VARIABLE);
    }
    requireReadable("--trust-bundle", trustBundle);
    if (joinTokenFile != null) {
      requireReadable("--join-token-file", joinTokenFile);
    }
    WorkloadAgentOptions options;
    try {
      WorkloadAgentOptions.Builder builder = WorkloadAgentOptions.builder(service)
          .trustBundle(trustBundle)
          .dir(dir)
          .joinToken(joinTokenFile != null ? JoinTokenSource.file(joinTokenFile)
              : JoinTokenSource.environment(environment));
      ca.forEach(builder::ca);
      options = builder.build();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (logLevel != null) {
      setLogLevel(logLevel);
    }
    return once ? runOnce(options) : runUntilStopped(options);
  }

  private static int runOnce(WorkloadAgentOptions options) {
    try (WorkloadAgent agent = new WorkloadAgent(options)) {
      agent.issueOnce();
      return EXIT_OK;
    } catch (IssuanceException e) {
      LOG.error("no certificate: {}", e.getMessage());
      return EXIT_NO_CERTIFICATE;
    }
  }

  private static int runUntilStopped(WorkloadAgentOptions options) {
    WorkloadAgent agent = new WorkloadAgent(options);
    try {
      agent.start();
    } catch (IssuanceException e) {
      LOG.error("no certificate: {}", e.getMessage());
      agent.close();
      return EXIT_NO_CERTIFICATE;
    }
    Thread stop = new Thread(agent::close, "paymesh-agent-shutdown");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      agent.terminated().join();
      return EXIT_OK;
    } catch (CompletionException e) {
      // The agent has logged the expiry with what to do about it.
      return e.getCause() instanceof IdentityExpiredException ? EXIT_EXPIRED : EXIT_NO_CERTIFICATE;
    } finally {
      agent.close();
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException e) {
        // the JVM is already shutting down: the hook is running or has run
      }
    }
  }

  private void requireReadable(String option, Path file) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw usage(option + " " + file + ": not a readable file");
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** Logback is the binding in xds-server.jar; anything else keeps its own configuration. */
  private static void setLogLevel(LogLevel level) {
    org.slf4j.Logger root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    if (root instanceof ch.qos.logback.classic.Logger logback) {
      logback.setLevel(Level.toLevel(level.name()));
    }
  }
}
