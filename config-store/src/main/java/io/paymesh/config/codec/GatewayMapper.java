package io.paymesh.config.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paymesh.config.model.ApiVersionMatch;
import io.paymesh.config.model.Gateway;
import io.paymesh.config.model.PathMatch;
import io.paymesh.config.validation.ErrorCollector;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/**
 * The spec of a Gateway document. A version is named by its value ({@code name: v1}) and says
 * where requests carry it ({@code in}, default PATH_PREFIX); its dates are ISO calendar dates.
 */
final class GatewayMapper {
  static final String SERVICE = "service";
  static final String LISTENERS = "listeners";
  static final String PORT = "port";
  static final String APIS = "apis";
  static final String HOSTS = "hosts";
  static final String VERSIONS = "versions";
  static final String IN = "in";
  static final String STATUS = "status";
  static final String BACKEND = "backend";
  static final String TIMEOUT = "timeout";
  static final String DEPRECATED_ON = "deprecatedOn";
  static final String SUNSET = "sunset";
  static final String ISSUERS = "issuers";
  static final String SCOPES = "scopes";
  static final String CORS = "cors";
  static final String ALLOW_ORIGINS = "allowOrigins";
  static final String ALLOW_METHODS = "allowMethods";
  static final String ALLOW_HEADERS = "allowHeaders";
  static final String MAX_AGE = "maxAge";
  static final String SENSITIVE_HEADERS = "sensitiveHeaders";
  static final String CACHE = "cache";
  static final String PATH = "path";
  static final String METHODS = "methods";
  static final String VARY_ON = "varyOn";
  static final String DATE = "must be a date like 2027-06-30";

  private GatewayMapper() {}

  static Gateway.Spec decode(NodeReader r) {
    String service = r.string(SERVICE);
    List<Gateway.Listener> listeners = r.list(LISTENERS, true, GatewayMapper::listener);
    List<Gateway.Api> apis = r.list(APIS, true, GatewayMapper::api);
    List<String> sensitiveHeaders = r.strings(SENSITIVE_HEADERS, false);
    return r.finish() ? new Gateway.Spec(service, listeners, apis, sensitiveHeaders) : null;
  }

  private static Gateway.Listener listener(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    Integer port = r.integer(PORT);
    return r.finish() ? new Gateway.Listener(name, port) : null;
  }

  private static Gateway.Api api(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    List<String> hosts = r.strings(HOSTS, true);
    List<Gateway.Version> versions = r.list(VERSIONS, true, GatewayMapper::version);
    return r.finish() ? new Gateway.Api(name, hosts, versions) : null;
  }

  private static Gateway.Version version(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String value = r.string("name");
    ApiVersionMatch.In in = r.enumValue(IN, ApiVersionMatch.In.class, ApiVersionMatch.In.PATH_PREFIX);
    Gateway.Status status = r.enumValue(STATUS, Gateway.Status.class, Gateway.Status.ACTIVE);
    Optional<String> backend = r.optionalString(BACKEND);
    Optional<Duration> timeout = r.optionalDuration(TIMEOUT);
    Optional<LocalDate> deprecatedOn = date(r, DEPRECATED_ON);
    Optional<LocalDate> sunset = date(r, SUNSET);
    List<String> issuers = r.strings(ISSUERS, false);
    List<String> scopes = r.strings(SCOPES, false);
    NodeReader corsReader = r.object(CORS, false);
    Gateway.Cors cors = corsReader == null ? null : cors(corsReader);
    List<Gateway.CachedRead> cache = r.list(CACHE, false, GatewayMapper::cachedRead);
    if (!r.finish()) {
      return null;
    }
    return new Gateway.Version(new ApiVersionMatch(value, in), status, backend, timeout,
        deprecatedOn, sunset, issuers, scopes, Optional.ofNullable(cors), cache);
  }

  private static Gateway.CachedRead cachedRead(JsonNode node, ErrorCollector c) {
    NodeReader r = NodeReader.of(node, c);
    if (r == null) {
      return null;
    }
    String name = r.string("name");
    JsonNode pathNode = r.required(PATH);
    PathMatch path = pathNode == null ? null : PathMatchMapper.decode(pathNode, c.at(PATH));
    List<String> methods = r.raw(METHODS) == null
        ? Gateway.CachedRead.READ_METHODS : r.strings(METHODS, false);
    List<String> varyOn = r.strings(VARY_ON, false);
    if (!r.finish() || path == null) {
      return null;
    }
    return new Gateway.CachedRead(name, path, methods, varyOn);
  }

  private static Gateway.Cors cors(NodeReader r) {
    List<String> origins = r.strings(ALLOW_ORIGINS, true);
    List<String> methods = r.strings(ALLOW_METHODS, true);
    List<String> headers = r.strings(ALLOW_HEADERS, false);
    Optional<Duration> maxAge = r.optionalDuration(MAX_AGE);
    return r.finish() ? new Gateway.Cors(origins, methods, headers, maxAge) : null;
  }

  /** An ISO date {@code yyyy-mm-dd}; YAML may give it unquoted, which still reads as text. */
  private static Optional<LocalDate> date(NodeReader r, String field) {
    JsonNode value = r.raw(field);
    if (value == null) {
      return Optional.empty();
    }
    if (value.isTextual()) {
      try {
        return Optional.of(LocalDate.parse(value.textValue()));
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    r.errors().add(field, DATE);
    return Optional.empty();
  }

  static ObjectNode encode(Gateway.Spec spec) {
    ObjectNode n = Trees.object();
    n.put(SERVICE, spec.service());
    ArrayNode listeners = n.putArray(LISTENERS);
    for (Gateway.Listener listener : spec.listeners()) {
      listeners.addObject().put("name", listener.name()).put(PORT, listener.port());
    }
    ArrayNode apis = n.putArray(APIS);
    for (Gateway.Api api : spec.apis()) {
      ObjectNode an = apis.addObject();
      an.put("name", api.name());
      Trees.putStrings(an, HOSTS, api.hosts());
      ArrayNode versions = an.putArray(VERSIONS);
      for (Gateway.Version version : api.versions()) {
        ObjectNode vn = versions.addObject();
        vn.put("name", version.match().value());
        vn.put(IN, version.match().in().name());
        vn.put(STATUS, version.status().name());
        version.backend().ifPresent(b -> vn.put(BACKEND, b));
        Trees.putDuration(vn, TIMEOUT, version.timeout());
        version.deprecatedOn().ifPresent(d -> vn.put(DEPRECATED_ON, d.toString()));
        version.sunset().ifPresent(d -> vn.put(SUNSET, d.toString()));
        Trees.putStringsIfAny(vn, ISSUERS, version.issuers());
        Trees.putStringsIfAny(vn, SCOPES, version.scopes());
        version.cors().ifPresent(c -> {
          ObjectNode cn = vn.putObject(CORS);
          Trees.putStrings(cn, ALLOW_ORIGINS, c.allowOrigins());
          Trees.putStrings(cn, ALLOW_METHODS, c.allowMethods());
          Trees.putStringsIfAny(cn, ALLOW_HEADERS, c.allowHeaders());
          Trees.putDuration(cn, MAX_AGE, c.maxAge());
        });
        if (!version.cache().isEmpty()) {
          ArrayNode cache = vn.putArray(CACHE);
          for (Gateway.CachedRead read : version.cache()) {
            ObjectNode rn = cache.addObject();
            rn.put("name", read.name());
            rn.set(PATH, PathMatchMapper.encode(read.path()));
            Trees.putStrings(rn, METHODS, read.methods());
            Trees.putStringsIfAny(rn, VARY_ON, read.varyOn());
          }
        }
      }
    }
    Trees.putStringsIfAny(n, SENSITIVE_HEADERS, spec.sensitiveHeaders());
    return n;
  }
}
