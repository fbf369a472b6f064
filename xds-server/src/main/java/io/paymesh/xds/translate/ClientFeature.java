package io.paymesh.xds.translate;

/**
 * A part of xDS that some client families honour and others reject or mishandle. The translator
 * asks {@link ClientFamily#supports} before it emits one, and the Gate refuses a group whose
 * resources use one its family lacks, so a config a known client rejects is never pushed.
 */
public enum ClientFeature {
  /** {@code Cluster.lb_policy: LEAST_REQUEST}; grpc-js-xds 1.14 and C-core 1.51 NACK it. */
  LEAST_REQUEST_LB,
  /**
   * {@code HeaderMatcher.string_match}; C-core 1.51 NACKs it and only reads the older
   * {@code exact_match}, {@code prefix_match}, ... fields, which every family still accepts.
   */
  HEADER_STRING_MATCH,
  /** {@code Cluster.lb_policy: RING_HASH} with a route hash policy: what keeps a split sticky. */
  RING_HASH_LB,
  /**
   * {@code RouteAction.max_stream_duration} as the call deadline of a gRPC client; C-core 1.51
   * ends calls about 1.9 s before it (a 1 s route fails at once), so it does not get one.
   */
  MAX_STREAM_DURATION,
  /**
   * {@code Cluster.outlier_detection}. grpc-java 1.85 loses calls with it: a call picked while a
   * config update passes through its outlier-detection balancer (each route, cluster or endpoint
   * change does) may get no outlier tracker, and when that call ends the tracker's null pointer
   * throws before the close reaches the call, which then never completes, deadline and cancel
   * included (docs/clients.md, note 15).
   */
  OUTLIER_DETECTION
}
