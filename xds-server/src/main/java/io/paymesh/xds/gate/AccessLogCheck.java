package io.paymesh.xds.gate;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.envoyproxy.envoy.config.accesslog.v3.AccessLog;
import io.envoyproxy.envoy.config.core.v3.SubstitutionFormatString;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.access_loggers.file.v3.FileAccessLog;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Access logs (PCI DSS 10: every request is logged; PCI DSS 3: no credential or card data in a
 * log). From the output alone: every HCM of an Envoy group has an access log, and no access log
 * format, in any group, reads a credential header ({@code Authorization}, {@code Cookie}, ...) or
 * the verified JWT payload, nor a header a Gateway marks sensitive ({@code sensitiveHeaders}).
 * Those hold mesh-wide, for every group: a header the edge receives (a card number) travels on to
 * the backends' sidecars. A logger whose format paymesh cannot read is refused rather than
 * trusted.
 */
final class AccessLogCheck implements GateCheck {
  static final String INVARIANT = "logs";
  /** Headers that carry credentials, never logged whatever the policy says; lower case. */
  static final Set<String> CREDENTIAL_HEADERS = Set.of(
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key");
  /** Envoy commands that print a header: %REQ(A?B):N%, %RESP(..)%, %TRAILER(..)%. */
  private static final Pattern HEADER_COMMAND =
      Pattern.compile("%(REQ|RESP|TRAILER|REQ_WITHOUT_QUERY)\\(([^)]*)\\)");
  /** The verified token's claims (jwt_authn writes them to dynamic metadata). */
  private static final Pattern JWT_METADATA =
      Pattern.compile("%DYNAMIC_METADATA\\(envoy\\.filters\\.http\\.jwt_authn");

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    Set<String> sensitive = sensitiveHeaders(snapshot);
    for (Listener listener : resources.listeners()) {
      String resource = ResourceNames.listener(listener);
      for (HttpConnectionManager hcm : XdsWalk.hcms(listener)) {
        if (group.form() == ProxyForm.SIDECAR && hcm.getAccessLogCount() == 0) {
          out.add(new GateViolation(resource, INVARIANT,
              "HttpConnectionManager '" + hcm.getStatPrefix() + "' has no access log"));
        }
        for (AccessLog log : hcm.getAccessLogList()) {
          checkLog(resource, log, sensitive, out);
        }
      }
    }
    return out;
  }

  /**
   * The credential headers and every header a Gateway of the snapshot marks sensitive. Read
   * through {@link PolicySnapshot#sensitiveHeaders}, so a Gateway write that leaves the set as it
   * was rebuilds only the gateway's own groups.
   */
  static Set<String> sensitiveHeaders(PolicySnapshot snapshot) {
    Set<String> sensitive = new TreeSet<>(CREDENTIAL_HEADERS);
    sensitive.addAll(snapshot.sensitiveHeaders());
    return sensitive;
  }

  private static void checkLog(
      String resource, AccessLog log, Set<String> sensitive, List<GateViolation> out) {
    Optional<List<String>> formats = formats(log.getTypedConfig());
    if (formats.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT, "access log '" + log.getName()
          + "' is not a stdout or file logger whose format the Gate can check"));
      return;
    }
    Set<String> leaks = new TreeSet<>();
    for (String format : formats.get()) {
      Matcher m = HEADER_COMMAND.matcher(format);
      while (m.find()) {
        for (String header : m.group(2).split("\\?")) {
          String name = header.trim().toLowerCase(Locale.ROOT);
          if (sensitive.contains(name)) {
            leaks.add(name);
          }
        }
      }
      if (JWT_METADATA.matcher(format).find()) {
        leaks.add("the verified JWT payload");
      }
    }
    if (!leaks.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT, "access log '" + log.getName()
          + "' would write " + String.join(", ", leaks) + ", which must never reach a log"));
    }
  }

  /** Every format string of a stdout or file logger; empty when it is neither. */
  @SuppressWarnings("deprecation")
  private static Optional<List<String>> formats(Any config) {
    try {
      List<String> formats = new ArrayList<>();
      StdoutAccessLog stdout = StdoutAccessLog.getDefaultInstance();
      if (config.isSameTypeAs(stdout)) {
        addFormat(config.unpackSameTypeAs(stdout).getLogFormat(), formats);
      } else if (config.isSameTypeAs(FileAccessLog.getDefaultInstance())) {
        FileAccessLog file = config.unpackSameTypeAs(FileAccessLog.getDefaultInstance());
        formats.add(file.getFormat());
        addStruct(file.getJsonFormat(), formats);
        addStruct(file.getTypedJsonFormat(), formats);
        addFormat(file.getLogFormat(), formats);
      } else {
        return Optional.empty();
      }
      return Optional.of(formats);
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private static void addFormat(SubstitutionFormatString format, List<String> out) {
    out.add(format.getTextFormat());
    out.add(format.getTextFormatSource().getInlineString());
    addStruct(format.getJsonFormat(), out);
  }

  private static void addStruct(Struct struct, List<String> out) {
    struct.getFieldsMap().values().forEach(v -> addValue(v, out));
  }

  private static void addValue(Value value, List<String> out) {
    switch (value.getKindCase()) {
      case STRING_VALUE -> out.add(value.getStringValue());
      case STRUCT_VALUE -> addStruct(value.getStructValue(), out);
      case LIST_VALUE -> value.getListValue().getValuesList().forEach(v -> addValue(v, out));
      default -> { }
    }
  }
}
