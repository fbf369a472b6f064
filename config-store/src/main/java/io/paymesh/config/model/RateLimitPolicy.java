package io.paymesh.config.model;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Token-bucket limits on one service's inbound requests, each keyed by a request header (e.g. the
 * merchant) or by the calling service, so one noisy merchant or caller cannot starve the rest.
 */
public record RateLimitPolicy(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.RATE_LIMIT_POLICY;
  }

  public record Spec(String service, List<RateLimit> limits) {
    public Spec {
      limits = List.copyOf(limits);
    }
  }

  /**
   * A bucket per key value holding up to {@code burst} tokens, refilled with {@code tokens} every
   * {@code interval}; each request takes one.
   *
   * @param path the requests limited; empty means every path
   */
  public record RateLimit(
      String name,
      Optional<PathMatch> path,
      Key key,
      int tokens,
      Duration interval,
      int burst) {}

  /** What a bucket is per: {@code {header: x-merchant-id}} or {@code {caller: true}}. */
  public sealed interface Key {

    /** One bucket per value of this request header. */
    record Header(String name) implements Key {}

    /** One bucket per calling service (its mTLS identity). */
    record Caller() implements Key {}
  }
}
