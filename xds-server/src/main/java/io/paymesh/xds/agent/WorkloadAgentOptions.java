package io.paymesh.xds.agent;

import com.google.common.net.HostAndPort;
import io.paymesh.xds.translate.XdsNames;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ScheduledExecutorService;
import java.util.random.RandomGenerator;

/**
 * Everything a {@link WorkloadAgent} is told: its Service, the signing replicas, the deploy-time
 * trust bundle, the join token source, the output directory, and knobs for tests (clock,
 * scheduler, backoff, deadline, jitter). Invalid values throw IllegalArgumentException.
 */
public record WorkloadAgentOptions(
    String service,
    List<String> caTargets,
    Path trustBundleFile,
    JoinTokenSource joinToken,
    Path dir,
    Clock clock,
    Duration retryInitial,
    Duration retryCap,
    Duration rpcDeadline,
    RandomGenerator random,
    Optional<ScheduledExecutorService> scheduler) {

  public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofSeconds(1);
  public static final Duration DEFAULT_RETRY_CAP = Duration.ofSeconds(30);
  public static final Duration DEFAULT_RPC_DEADLINE = Duration.ofSeconds(10);

  public WorkloadAgentOptions {
    if (service == null || service.isBlank()) {
      throw new IllegalArgumentException("the service name is required");
    }
    caTargets = List.copyOf(caTargets);
    if (caTargets.isEmpty()) {
      throw new IllegalArgumentException("at least one CA address (host:port) is required");
    }
    caTargets.forEach(WorkloadAgentOptions::checkTarget);
    if (trustBundleFile == null) {
      throw new IllegalArgumentException("the trust bundle file for the first request is required");
    }
    if (rpcDeadline.isNegative() || rpcDeadline.isZero()) {
      throw new IllegalArgumentException("the RPC deadline must be positive");
    }
    new RenewalTiming(retryInitial, retryCap, random); // validates the backoff bounds
  }

  /** {@code host:port}, IPv6 in brackets; gRPC's default resolver takes it as it is. */
  static void checkTarget(String target) {
    try {
      HostAndPort parsed = HostAndPort.fromString(target).requireBracketsForIPv6();
      if (!parsed.hasPort() || parsed.getHost().isEmpty()) {
        throw new IllegalArgumentException("no port");
      }
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "CA address '" + target + "' is not host:port (e.g. xds-server:18000)");
    }
  }

  public static Builder builder(String service) {
    return new Builder(service);
  }

  /** Defaults: dir {@link XdsNames#IDENTITY_DIR}, no join token, system clock, retry 1 s..30 s. */
  public static final class Builder {
    private final String service;
    private final List<String> caTargets = new ArrayList<>();
    private Path trustBundleFile;
    private JoinTokenSource joinToken = JoinTokenSource.none();
    private Path dir = Path.of(XdsNames.IDENTITY_DIR);
    private Clock clock = Clock.systemUTC();
    private Duration retryInitial = DEFAULT_RETRY_INITIAL;
    private Duration retryCap = DEFAULT_RETRY_CAP;
    private Duration rpcDeadline = DEFAULT_RPC_DEADLINE;
    private RandomGenerator random = new Random();
    private ScheduledExecutorService scheduler;

    private Builder(String service) {
      this.service = service;
    }

    /** A control-plane replica; the first one that answers signs. Repeatable. */
    public Builder ca(String hostPort) {
      caTargets.add(hostPort);
      return this;
    }

    public Builder trustBundle(Path file) {
      this.trustBundleFile = file;
      return this;
    }

    public Builder joinToken(JoinTokenSource source) {
      this.joinToken = source;
      return this;
    }

    public Builder dir(Path dir) {
      this.dir = dir;
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Backoff of failed renewals: the first wait, doubled per failure up to the cap. */
    public Builder retry(Duration initial, Duration cap) {
      this.retryInitial = initial;
      this.retryCap = cap;
      return this;
    }

    public Builder rpcDeadline(Duration deadline) {
      this.rpcDeadline = deadline;
      return this;
    }

    /** Source of the renewal and backoff jitter. */
    public Builder random(RandomGenerator random) {
      this.random = random;
      return this;
    }

    /**
     * Runs renewals on this scheduler instead of the agent's own daemon thread; the agent does
     * not shut it down on close.
     */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = scheduler;
      return this;
    }

    public WorkloadAgentOptions build() {
      return new WorkloadAgentOptions(service, caTargets, trustBundleFile, joinToken,
          dir.toAbsolutePath().normalize(), clock, retryInitial, retryCap, rpcDeadline, random,
          Optional.ofNullable(scheduler));
    }
  }
}
