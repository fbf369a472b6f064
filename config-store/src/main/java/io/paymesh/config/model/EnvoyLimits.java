package io.paymesh.config.model;

/**
 * Limits of Envoy's API that policy and endpoint registrations are held to when written, so that
 * nothing stored can become a resource Envoy refuses (the Gate checks the emitted resources too).
 */
public final class EnvoyLimits {
  /** The highest priority level: {@code LocalityLbEndpoints.priority} is at most 128. */
  public static final int MAX_PRIORITY = 128;

  private EnvoyLimits() {}
}
