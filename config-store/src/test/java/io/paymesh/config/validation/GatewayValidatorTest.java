package io.paymesh.config.validation;

import static io.paymesh.config.validation.Fixtures.activeVersion;
import static io.paymesh.config.validation.Fixtures.api;
import static io.paymesh.config.validation.Fixtures.gateway;
import static org.assertj.core.api.Assertions.assertThat;

import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.model.PolicyResource;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GatewayValidatorTest {
  private static final String V1 = "apis[payments].versions[v1].";
  private final PolicyValidator validator = new PolicyValidator();

  private List<String> errors(PolicyResource r) {
    return validator.validate(r).stream().map(ValidationError::toString).toList();
  }

  private static Gateway.Version version(Gateway.Status status, Optional<String> backend,
      Optional<Duration> timeout, Optional<LocalDate> deprecatedOn, Optional<LocalDate> sunset) {
    return new Gateway.Version(new ApiVersionMatch("v1", ApiVersionMatch.In.PATH_PREFIX), status,
        backend, timeout, deprecatedOn, sunset);
  }

  private static Gateway withV1(Gateway.Version v1) {
    return gateway(g -> g.apis = List.of(api(v1)));
  }

  @Test
  void validate_whenReferenceExample_reportsNothing() {
    assertThat(errors(gateway(g -> {}))).isEmpty();
  }

  @Test
  void validate_whenServiceOrListenersInvalid_reportsThem() {
    assertThat(errors(gateway(g -> {
      g.service = "Edge";
      g.listeners = List.of(new Gateway.Listener("https", 8443), new Gateway.Listener("alt", 8443),
          new Gateway.Listener("https", 0));
    }))).containsExactly(
        "service: " + Messages.DNS_LABEL,
        "listeners[https].name: duplicate name",
        "listeners[alt].port: duplicate port",
        "listeners[https].port: must be between 1 and 65535");
    assertThat(errors(gateway(g -> g.listeners = List.of())))
        .containsExactly("listeners: must not be empty");
  }

  @Test
  void validate_whenHostSharedByTwoApis_reportsDuplicateHost() {
    Gateway.Api other = new Gateway.Api("refunds", List.of("api.paymesh.example", "Bad_Host"),
        List.of(activeVersion("v1", "refunds")));
    assertThat(errors(gateway(g -> g.apis = List.of(api(activeVersion("v1", "payments-v1")), other))))
        .containsExactly(
            "apis[refunds].hosts[0]: " + GatewayValidator.DUPLICATE_HOST,
            "apis[refunds].hosts[1]: " + Messages.DNS_NAME);
  }

  @Test
  void validate_whenVersionsEmptyOrDuplicated_reportsThem() {
    assertThat(errors(gateway(g -> g.apis = List.of(new Gateway.Api("payments",
        List.of("api.paymesh.example"), List.of())))))
        .containsExactly("apis[payments].versions: must not be empty");
    assertThat(errors(gateway(g -> g.apis = List.of(api(activeVersion("v1", "payments-v1"),
        activeVersion("v1", "payments-v2"))))))
        .containsExactly("apis[payments].versions[v1].name: duplicate name");
  }

  @Test
  void validate_whenVersionValueInvalid_reportsSyntax() {
    Gateway.Version bad = new Gateway.Version(new ApiVersionMatch("-v1", ApiVersionMatch.In.HEADER),
        Gateway.Status.ACTIVE, Optional.of("payments-v1"), Optional.of(Duration.ofSeconds(1)),
        Optional.empty(), Optional.empty());
    assertThat(errors(withV1(bad)))
        .containsExactly("apis[payments].versions[-v1].name: " + GatewayValidator.API_VERSION);
  }

  @Test
  void validate_whenActiveWithoutBackendOrTimeout_reportsRequired() {
    assertThat(errors(withV1(version(Gateway.Status.ACTIVE, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty()))))
        .containsExactly(V1 + "backend: " + GatewayValidator.REQUIRED_UNLESS_RETIRED,
            V1 + "timeout: " + GatewayValidator.REQUIRED_UNLESS_RETIRED);
  }

  @Test
  void validate_whenActiveWithDates_reportsOnlyAllowedWhenDeprecated() {
    assertThat(errors(withV1(version(Gateway.Status.ACTIVE, Optional.of("payments-v1"),
        Optional.of(Duration.ZERO), Optional.of(LocalDate.of(2026, 1, 1)),
        Optional.of(LocalDate.of(2027, 1, 1))))))
        .containsExactly(V1 + "timeout: must be > 0",
            V1 + "deprecatedOn: " + GatewayValidator.NOT_WHEN_ACTIVE,
            V1 + "sunset: " + GatewayValidator.NOT_WHEN_ACTIVE);
  }

  @Test
  void validate_whenDeprecatedWithoutDates_reportsRequired() {
    assertThat(errors(withV1(version(Gateway.Status.DEPRECATED, Optional.of("payments-v1"),
        Optional.of(Duration.ofSeconds(1)), Optional.empty(), Optional.empty()))))
        .containsExactly(V1 + "deprecatedOn: " + GatewayValidator.REQUIRED_WHEN_DEPRECATED,
            V1 + "sunset: " + GatewayValidator.REQUIRED_WHEN_DEPRECATED);
  }

  @Test
  void validate_whenSunsetBeforeDeprecation_reportsSunset() {
    assertThat(errors(withV1(version(Gateway.Status.DEPRECATED, Optional.of("payments-v1"),
        Optional.of(Duration.ofSeconds(1)), Optional.of(LocalDate.of(2027, 1, 2)),
        Optional.of(LocalDate.of(2027, 1, 1))))))
        .containsExactly(V1 + "sunset: " + GatewayValidator.SUNSET_BEFORE_DEPRECATION);
  }

  @Test
  void validate_whenRetiredWithBackendAndNoSunset_reportsThem() {
    assertThat(errors(withV1(version(Gateway.Status.RETIRED, Optional.of("payments-v1"),
        Optional.of(Duration.ofSeconds(1)), Optional.empty(), Optional.empty()))))
        .containsExactly(V1 + "backend: " + GatewayValidator.NOT_WHEN_RETIRED,
            V1 + "timeout: " + GatewayValidator.NOT_WHEN_RETIRED,
            V1 + "sunset: " + GatewayValidator.REQUIRED_WHEN_RETIRED);
    assertThat(errors(withV1(version(Gateway.Status.RETIRED, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.of(LocalDate.of(2025, 1, 31)))))).isEmpty();
  }

  @Test
  void validate_whenBackendNotALabel_reportsBackend() {
    assertThat(errors(withV1(activeVersion("v1", "payments.v1"))))
        .containsExactly(V1 + "backend: " + Messages.DNS_LABEL);
  }

  @Test
  void validate_whenSensitiveHeadersInvalid_reportsEachByIndex() {
    assertThat(errors(gateway(g -> g.sensitiveHeaders =
        List.of("x-card-number", "X-Pan", "x-request-id", "x-card-number", ""))))
        .containsExactly(
            "sensitiveHeaders[1]: " + Messages.HEADER_NAME,
            "sensitiveHeaders[2]: must not be x-request-id: every access log carries the request"
                + " id (generated by Envoy, it holds no caller data)",
            "sensitiveHeaders[3]: duplicate header",
            "sensitiveHeaders[4]: " + Messages.HEADER_NAME);
  }

  @Test
  void validate_whenSensitiveHeadersNamed_reportsNothing() {
    assertThat(errors(gateway(g -> g.sensitiveHeaders =
        List.of("x-card-number", "x-cardholder-name", "authorization")))).isEmpty();
  }

  private static Gateway.Version v2Caching(Gateway.Status status, Gateway.CachedRead... reads) {
    Gateway.Version active = activeVersion("v2", "payments-v2");
    boolean retired = status == Gateway.Status.RETIRED;
    return new Gateway.Version(active.match(), status,
        retired ? Optional.empty() : active.backend(), retired ? Optional.empty() : active.timeout(),
        Optional.empty(), retired ? Optional.of(LocalDate.of(2025, 1, 31)) : Optional.empty(),
        List.of(), List.of(), Optional.empty(), List.of(reads));
  }

  private static Gateway.CachedRead read(String name, PathMatch path, List<String> methods,
      List<String> varyOn) {
    return new Gateway.CachedRead(name, path, methods, varyOn);
  }

  @Test
  void validate_whenCachedReadsValid_reportsNothing() {
    assertThat(errors(gateway(g -> g.apis = List.of(api(v2Caching(Gateway.Status.ACTIVE,
        read("fx-rates", new PathMatch.Prefix("/v2/fx-rates/"), List.of("GET", "HEAD"),
            List.of("accept-language")),
        read("currencies", new PathMatch.Exact("/v2/currencies"), List.of("GET"),
            List.of()))))))).isEmpty();
  }

  @Test
  void validate_whenCacheOnAWriteMethod_reportsTheMethodByPath() {
    assertThat(errors(gateway(g -> g.apis = List.of(api(v2Caching(Gateway.Status.ACTIVE,
        read("charges", new PathMatch.Prefix("/v2/charges"), List.of("GET", "POST", "GET"),
            List.of())))))))
        .containsExactly(
            "apis[payments].versions[v2].cache[charges].methods[1]: must be GET or HEAD: only"
                + " READ routes are cached (POST is not a READ)",
            "apis[payments].versions[v2].cache[charges].methods[2]: duplicate method");
  }

  @Test
  void validate_whenCachedPathOutsideTheVersionOrVaryOnACredential_reportsThem() {
    assertThat(errors(gateway(g -> g.apis = List.of(api(v2Caching(Gateway.Status.ACTIVE,
        read("rates", new PathMatch.Prefix("/v1/fx-rates/"), List.of("GET"),
            List.of("authorization", "Accept", "cookie")),
        read("rates", new PathMatch.Exact("fx"), List.of(), List.of())))))))
        .containsExactly(
            "apis[payments].versions[v2].cache[rates].name: duplicate name",
            "apis[payments].versions[v2].cache[rates].path.prefix: must start with /v2/ (the"
                + " version's path prefix): a cached route belongs to its version",
            "apis[payments].versions[v2].cache[rates].varyOn[0]: must not be a credential header"
                + " (authorization, proxy-authorization, cookie): a cached response is shared by"
                + " every caller",
            "apis[payments].versions[v2].cache[rates].varyOn[1]: " + Messages.HEADER_NAME,
            "apis[payments].versions[v2].cache[rates].varyOn[2]: must not be a credential header"
                + " (authorization, proxy-authorization, cookie): a cached response is shared by"
                + " every caller",
            "apis[payments].versions[v2].cache[rates].path.exact: must start with '/'",
            "apis[payments].versions[v2].cache[rates].methods: must not be empty");
  }

  @Test
  void validate_whenCacheOnARetiredVersion_reportsNotWhenRetired() {
    assertThat(errors(gateway(g -> g.apis = List.of(api(v2Caching(Gateway.Status.RETIRED,
        read("fx-rates", new PathMatch.Prefix("/v2/fx-rates/"), List.of("GET"), List.of())))))))
        .containsExactly("apis[payments].versions[v2].cache: not allowed when status is RETIRED:"
            + " a retired version is answered with 410 by the gateway");
  }
}
