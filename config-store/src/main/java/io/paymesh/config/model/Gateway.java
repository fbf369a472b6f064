package io.paymesh.config.model;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * The edge gateway: public HTTPS listeners served by the proxies of one Service (whose identity
 * the gateway uses as a mesh client and whose dependencies bound where it may forward), and the
 * public API products those listeners expose, each with versions that are live, deprecated or
 * retired.
 */
public record Gateway(String name, Spec spec) implements PolicyResource {

  @Override
  public Kind kind() {
    return Kind.GATEWAY;
  }

  /**
   * @param service the Service whose Envoy proxies are this gateway
   * @param listeners the public ports, each HTTPS with the gateway's certificate
   * @param apis the API products served on every listener
   * @param sensitiveHeaders request or response headers that must never reach an access log
   *     (card data, personal data), beyond the credential headers that never do; the Gate holds
   *     every access log of the mesh to them, since what the edge receives travels on to backends
   */
  public record Spec(String service, List<Listener> listeners, List<Api> apis,
      List<String> sensitiveHeaders) {
    public Spec {
      listeners = List.copyOf(listeners);
      apis = List.copyOf(apis);
      sensitiveHeaders = List.copyOf(sensitiveHeaders);
    }

    /** A gateway that marks no header sensitive beyond the credential headers. */
    public Spec(String service, List<Listener> listeners, List<Api> apis) {
      this(service, listeners, apis, List.of());
    }
  }

  /** One public HTTPS port; its certificate comes from a file the operator provides. */
  public record Listener(String name, int port) {}

  /**
   * @param hosts the Host (:authority) names the API answers on
   * @param versions tried in this order, the first match wins
   */
  public record Api(String name, List<String> hosts, List<Version> versions) {
    public Api {
      hosts = List.copyOf(hosts);
      versions = List.copyOf(versions);
    }
  }

  /**
   * CORS for browser callers of a version: the exact origins allowed, the methods and request
   * headers they may use, and how long a browser may cache the answer to its preflight.
   */
  public record Cors(List<String> allowOrigins, List<String> allowMethods,
      List<String> allowHeaders, Optional<Duration> maxAge) {
    public Cors {
      allowOrigins = List.copyOf(allowOrigins);
      allowMethods = List.copyOf(allowMethods);
      allowHeaders = List.copyOf(allowHeaders);
    }
  }

  /**
   * A READ route within a version whose responses the gateway may cache (Envoy's cache filter).
   * Opt-in and explicit: only requests with one of {@code methods} (GET, HEAD) on {@code path}
   * are cached, and a cached response is shared by every caller the version admits, so the
   * gateway never lets the backend see who calls on this route (no token, no claim header, no
   * cookie).
   *
   * @param name names the route ({@code <api>/<version>/cache/<name>}) and its stats
   * @param path the requests it covers, within the version's path prefix
   * @param methods GET and/or HEAD; default both
   * @param varyOn request headers a cached response may vary on (the backend's {@code Vary}),
   *     e.g. {@code accept-language}; a response varying on any other header is not stored
   */
  public record CachedRead(String name, PathMatch path, List<String> methods,
      List<String> varyOn) {
    /** The methods of a read. */
    public static final List<String> READ_METHODS = List.of("GET", "HEAD");

    public CachedRead {
      methods = List.copyOf(methods);
      varyOn = List.copyOf(varyOn);
    }
  }

  /** Where a version stands in its life. */
  public enum Status {
    /** Served. */
    ACTIVE,
    /** Served, every response saying when it stops ({@code Deprecation}, {@code Sunset}). */
    DEPRECATED,
    /** No longer served: answered with 410 Gone and a JSON body. */
    RETIRED
  }

  /**
   * One version of an API.
   *
   * @param match the version's value ({@code name}) and where requests carry it
   * @param backend the Service the version forwards to (ACTIVE and DEPRECATED only)
   * @param timeout the whole request at the gateway (ACTIVE and DEPRECATED only)
   * @param deprecatedOn when the version was deprecated (DEPRECATED; optional when RETIRED)
   * @param sunset when it stops (DEPRECATED) or stopped (RETIRED) being served
   * @param issuers the JWT issuers accepted on this version; empty means any issuer of the
   *     gateway Service's RequestAuthentications
   * @param scopes OAuth scopes the token must all carry (its {@code scope} claim)
   * @param cors which browser origins may call the version (checkout pages); empty: none
   * @param cache the READ routes of the version whose responses may be cached; empty: none
   */
  public record Version(
      ApiVersionMatch match,
      Status status,
      Optional<String> backend,
      Optional<Duration> timeout,
      Optional<LocalDate> deprecatedOn,
      Optional<LocalDate> sunset,
      List<String> issuers,
      List<String> scopes,
      Optional<Cors> cors,
      List<CachedRead> cache) {

    public Version {
      issuers = List.copyOf(issuers);
      scopes = List.copyOf(scopes);
      cache = List.copyOf(cache);
    }

    /** A version whose responses are never cached. */
    public Version(ApiVersionMatch match, Status status, Optional<String> backend,
        Optional<Duration> timeout, Optional<LocalDate> deprecatedOn, Optional<LocalDate> sunset,
        List<String> issuers, List<String> scopes, Optional<Cors> cors) {
      this(match, status, backend, timeout, deprecatedOn, sunset, issuers, scopes, cors,
          List.of());
    }

    /** A version without CORS. */
    public Version(ApiVersionMatch match, Status status, Optional<String> backend,
        Optional<Duration> timeout, Optional<LocalDate> deprecatedOn, Optional<LocalDate> sunset,
        List<String> issuers, List<String> scopes) {
      this(match, status, backend, timeout, deprecatedOn, sunset, issuers, scopes,
          Optional.empty());
    }

    /** A version open to any issuer of the gateway, without scopes. */
    public Version(ApiVersionMatch match, Status status, Optional<String> backend,
        Optional<Duration> timeout, Optional<LocalDate> deprecatedOn, Optional<LocalDate> sunset) {
      this(match, status, backend, timeout, deprecatedOn, sunset, List.of(), List.of(),
          Optional.empty());
    }

    /** The version's value, e.g. {@code v1}: also its name in error paths. */
    public String name() {
      return match == null ? null : match.value();
    }
  }
}
