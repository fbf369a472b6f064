package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.PROXYLESS;
import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GatewayFixtures;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Access logs: on every Envoy HCM, and never with a credential header or the JWT payload. */
class AccessLogGateTest {
  private final Gate gate = new Gate();

  private List<GateViolation> logViolations(GroupResources resources) {
    return gate.check(PolicyFixtures.snapshot(), SIDECAR, resources).violations().stream()
        .filter(v -> v.invariant().equals("logs")).toList();
  }

  /** The outbound HCM's access log with one JSON field changed. */
  private static GroupResources withOutboundField(String field, String command) {
    return GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound", hcm -> {
      AccessLog log = hcm.getAccessLog(0);
      StdoutAccessLog stdout = unpack(log);
      Struct json = stdout.getLogFormat().getJsonFormat().toBuilder()
          .putFields(field, Value.newBuilder().setStringValue(command).build()).build();
      return hcm.setAccessLog(0, log.toBuilder().setTypedConfig(Any.pack(stdout.toBuilder()
          .setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(json)).build())));
    });
  }

  private static StdoutAccessLog unpack(AccessLog log) {
    try {
      return log.getTypedConfig().unpack(StdoutAccessLog.class);
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void translatorOutput_logsEveryEnvoyHcm_andPasses() {
    assertThat(logViolations(GateFixtures.translate(SIDECAR))).isEmpty();
    assertThat(gate.check(PolicyFixtures.snapshot(), PROXYLESS,
        GateFixtures.translate(PROXYLESS)).violations()).isEmpty();
  }

  @Test
  void envoyHcmWithoutAccessLog_isRefused() {
    GroupResources silent = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound",
        hcm -> hcm.clearAccessLog());

    assertThat(logViolations(silent)).containsExactly(new GateViolation("Listener/outbound",
        "logs", "HttpConnectionManager 'outbound' has no access log"));
  }

  @Test
  void formatReadingAuthorizationOrCookie_isRefused_inAnyCaseAndBehindAnAlternative() {
    assertThat(logViolations(withOutboundField("auth", "%REQ(Authorization)%")))
        .containsExactly(new GateViolation("Listener/outbound", "logs",
            "access log 'envoy.access_loggers.stdout' would write authorization, which must"
                + " never reach a log"));
    assertThat(logViolations(withOutboundField("who", "%REQ(X-USER?COOKIE):40%")))
        .containsExactly(new GateViolation("Listener/outbound", "logs",
            "access log 'envoy.access_loggers.stdout' would write cookie, which must never"
                + " reach a log"));
  }

  @Test
  void formatReadingTheJwtPayload_isRefused() {
    assertThat(logViolations(withOutboundField("claims",
        "%DYNAMIC_METADATA(envoy.filters.http.jwt_authn:jwt_payload)%")))
        .extracting(GateViolation::message)
        .containsExactly("access log 'envoy.access_loggers.stdout' would write the verified JWT"
            + " payload, which must never reach a log");
  }

  @Test
  void loggerTheGateCannotRead_isRefused() {
    GroupResources unknown = GateFixtures.editHcm(GateFixtures.translate(SIDECAR), "outbound",
        hcm -> hcm.setAccessLog(0, AccessLog.newBuilder().setName("custom")
            .setTypedConfig(Any.pack(Router.getDefaultInstance()))));

    assertThat(logViolations(unknown)).containsExactly(new GateViolation("Listener/outbound",
        "logs", "access log 'custom' is not a stdout or file logger whose format the Gate can"
            + " check"));
  }

  /** The example mesh and its edge, whose Gateway marks x-card-number sensitive. */
  private static PolicySnapshot withCardNumberSensitive() {
    Gateway plain = GatewayFixtures.publicApi();
    Gateway marked = new Gateway(plain.name(), new Gateway.Spec(plain.spec().service(),
        plain.spec().listeners(), plain.spec().apis(), List.of("x-card-number")));
    return GatewayFixtures.snapshotWith(GatewayFixtures.edge(), marked);
  }

  private List<GateViolation> logViolations(PolicySnapshot snapshot, ProxyGroup group,
      GroupResources resources) {
    return gate.check(snapshot, group, resources).violations().stream()
        .filter(v -> v.invariant().equals("logs")).toList();
  }

  @Test
  void formatReadingAHeaderAGatewayMarksSensitive_isRefused_inASidecarGroupToo() {
    PolicySnapshot marked = withCardNumberSensitive();
    GroupResources sidecar = withOutboundField("card", "%REQ(X-Card-Number)%");

    assertThat(logViolations(marked, SIDECAR, sidecar)).containsExactly(new GateViolation(
        "Listener/outbound", "logs", "access log 'envoy.access_loggers.stdout' would write"
            + " x-card-number, which must never reach a log"));
    // The same format where no policy marks the header: nothing to refuse.
    assertThat(logViolations(GatewayFixtures.snapshot(), SIDECAR, sidecar)).isEmpty();
  }

  @Test
  void formatReadingAHeaderAGatewayMarksSensitive_isRefused_onTheGatewayListener() {
    PolicySnapshot marked = withCardNumberSensitive();
    ProxyGroup edge = ProxyGroup.sidecar("edge");
    GroupResources translated = GateFixtures.translate(marked, edge);
    assertThat(logViolations(marked, edge, translated)).isEmpty();

    GroupResources leaking = GateFixtures.editHcm(translated, "gateway|https", hcm -> {
      AccessLog log = hcm.getAccessLog(0);
      StdoutAccessLog stdout = unpack(log);
      Struct json = stdout.getLogFormat().getJsonFormat().toBuilder()
          .putFields("card", Value.newBuilder().setStringValue("%RESP(x-card-number)%").build())
          .build();
      return hcm.setAccessLog(0, log.toBuilder().setTypedConfig(Any.pack(stdout.toBuilder()
          .setLogFormat(SubstitutionFormatString.newBuilder().setJsonFormat(json)).build())));
    });
    assertThat(logViolations(marked, edge, leaking)).containsExactly(new GateViolation(
        "Listener/gateway|https", "logs", "access log 'envoy.access_loggers.stdout' would write"
            + " x-card-number, which must never reach a log"));
  }

  @Test
  void translatedFormats_neverReadASensitiveHeader_inAnyGroupOfTheMarkedMesh() {
    PolicySnapshot marked = withCardNumberSensitive();
    for (ProxyGroup group : List.of(SIDECAR, ProxyGroup.sidecar("edge"),
        ProxyGroup.sidecar("payments-v1"))) {
      GroupResources translated = GateFixtures.translate(marked, group);
      assertThat(logViolations(marked, group, translated)).as("%s", group).isEmpty();
      assertThat(translated.listeners().toString()).as("%s", group)
          .doesNotContainIgnoringCase("x-card-number")
          .doesNotContainIgnoringCase("REQ(authorization")
          .doesNotContainIgnoringCase("REQ(cookie");
    }
  }
}
