package io.paymesh.xds.translate;

import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.PathMatch;
import java.time.Duration;
import java.util.List;

/** Small proto building blocks shared by the translators, so each shape is written once. */
final class ProtoValues {
  private ProtoValues() {}

  static com.google.protobuf.Duration duration(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  static UInt32Value uint32(int value) {
    return UInt32Value.of(value);
  }

  /** Every dynamic resource comes over the same ADS stream, in API v3. */
  static ConfigSource adsConfigSource() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  static Address socketAddress(String address, int port) {
    return Address.newBuilder()
        .setSocketAddress(SocketAddress.newBuilder().setAddress(address).setPortValue(port))
        .build();
  }

  static StringMatcher exact(String value) {
    return StringMatcher.newBuilder().setExact(value).build();
  }

  static StringMatcher pathMatcher(PathMatch path) {
    if (path instanceof PathMatch.Exact e) {
      return exact(e.path());
    } else if (path instanceof PathMatch.Prefix p) {
      return StringMatcher.newBuilder().setPrefix(p.prefix()).build();
    }
    throw new AssertionError("unknown path match " + path);
  }

  /**
   * The {@code :method} pseudo-header condition: exact for one method, an anchored alternation
   * for several (methods are HTTP tokens, so they need no regex escaping).
   */
  static HeaderMatcher methodMatcher(List<String> methods, ClientFamily client) {
    StringMatcher matcher =
        methods.size() == 1
            ? exact(methods.get(0))
            : StringMatcher.newBuilder()
                .setSafeRegex(
                    RegexMatcher.newBuilder().setRegex("^(" + String.join("|", methods) + ")$"))
                .build();
    return HeaderMatchers.of(XdsNames.METHOD_HEADER, matcher, client);
  }
}
