package io.paymesh.admin.health;

import com.codahale.metrics.health.HealthCheck;
import io.dropwizard.util.Duration;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.paymesh.config.store.EtcdCalls;
import io.paymesh.config.store.EtcdSettings;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reports whether the etcd that holds the policy answers. The probe is a linearizable count of
 * the keys under the prefix: it succeeds only when a quorum is reachable, which is exactly when
 * policy reads and writes through this API can succeed.
 */
public final class EtcdHealthCheck extends HealthCheck {

  /** The name under which /healthcheck reports this check. */
  public static final String NAME = "etcd";

  private final KV kv;
  private final EtcdSettings settings;
  private final Duration timeout;

  public EtcdHealthCheck(KV kv, EtcdSettings settings, Duration timeout) {
    this.kv = kv;
    this.settings = settings;
    this.timeout = timeout;
  }

  @Override
  protected Result check() throws InterruptedException {
    ByteSequence prefix = ByteSequence.from(settings.prefix(), StandardCharsets.UTF_8);
    // Not serializable: a serializable read is answered by any member, even one cut off from
    // the quorum, and would report healthy while writes fail.
    GetOption countOnly =
        GetOption.builder().isPrefix(true).withCountOnly(true).withSerializable(false).build();
    long timeoutMillis = timeout.toMilliseconds();
    CompletableFuture<GetResponse> probe = kv.get(prefix, countOnly);
    try {
      GetResponse response = probe.get(timeoutMillis, TimeUnit.MILLISECONDS);
      return Result.healthy(
          "etcd %s answered at revision %d",
          settings.endpoints(), response.getHeader().getRevision());
    } catch (TimeoutException e) {
      // jetcd keeps retrying an unanswered request; stop it so probes do not pile up.
      probe.cancel(true);
      return Result.unhealthy(
          "etcd %s did not answer within %dms", settings.endpoints(), timeoutMillis);
    } catch (ExecutionException e) {
      // With the root cause: a refused etcd login is otherwise a bare UNAUTHENTICATED.
      return Result.unhealthy("etcd %s failed: %s", settings.endpoints(),
          EtcdCalls.describe(e.getCause()));
    }
  }
}
