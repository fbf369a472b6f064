package io.paymesh.config.model;

import java.time.Duration;

/** Passive health checking: eject a host after {@code consecutive5xx} errors. */
public record OutlierDetection(
    int consecutive5xx, Duration interval, Duration baseEjectionTime, int maxEjectionPercent) {}
