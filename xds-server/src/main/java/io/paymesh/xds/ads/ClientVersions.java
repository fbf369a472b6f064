package io.paymesh.xds.ads;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.paymesh.xds.ClientStrings;
import io.paymesh.xds.translate.ClientFamily;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The oldest version of each client family whose xDS subset paymesh has tested. An older client
 * may reject or misread what its family is sent, so its stream is refused with the reason rather
 * than served a config it might apply differently. A version paymesh cannot read is served: the
 * node's other fields identified the family, and refusing would cut off a client for its format.
 */
final class ClientVersions {
  static final Version MIN_ENVOY = new Version(1, 30);
  static final Version MIN_GRPC_JAVA = new Version(1, 60);
  static final Version MIN_GRPC_JS = new Version(1, 10);
  /** C-core reports its core version ({@code C-core 29.0.0} is gRPC 1.51). */
  static final Version MIN_C_CORE = new Version(29, 0);
  static final String C_CORE_AGENT = "gRPC C-core";
  static final String C_CORE_VERSION_PREFIX = "C-core ";
  private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})");

  record Version(int major, int minor) implements Comparable<Version> {
    @Override
    public int compareTo(Version other) {
      return major != other.major
          ? Integer.compare(major, other.major)
          : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
      return major + "." + minor;
    }
  }

  private ClientVersions() {}

  /** Why the node's client is too old to be served, or empty. */
  static Optional<String> tooOld(Node node) {
    ClientFamily family = ProxyGroups.familyOf(node);
    String version = node.getUserAgentVersion();
    Optional<Version> reported;
    Version minimum;
    switch (family) {
      case ENVOY -> {
        minimum = MIN_ENVOY;
        reported = node.hasUserAgentBuildVersion()
            ? Optional.of(new Version(
                node.getUserAgentBuildVersion().getVersion().getMajorNumber(),
                node.getUserAgentBuildVersion().getVersion().getMinorNumber()))
            : Optional.empty();
      }
      case GRPC_JAVA -> {
        minimum = MIN_GRPC_JAVA;
        reported = parse(version);
      }
      case GRPC_JS -> {
        minimum = MIN_GRPC_JS;
        reported = parse(version);
      }
      case GRPC_CORE -> {
        if (!node.getUserAgentName().startsWith(C_CORE_AGENT)
            || !version.startsWith(C_CORE_VERSION_PREFIX)) {
          // Another gRPC library: it gets the smallest subset, whatever its version.
          return Optional.empty();
        }
        minimum = MIN_C_CORE;
        reported = parse(version.substring(C_CORE_VERSION_PREFIX.length()));
      }
      default -> throw new AssertionError(family);
    }
    if (reported.isPresent() && reported.get().compareTo(minimum) < 0) {
      return Optional.of(family + " " + ClientStrings.forLog(describe(node))
          + " is older than the oldest version paymesh serves (" + minimum + ")");
    }
    return Optional.empty();
  }

  private static String describe(Node node) {
    return node.hasUserAgentBuildVersion()
        ? node.getUserAgentBuildVersion().getVersion().getMajorNumber() + "."
            + node.getUserAgentBuildVersion().getVersion().getMinorNumber() + "."
            + node.getUserAgentBuildVersion().getVersion().getPatch()
        : node.getUserAgentVersion();
  }

  private static Optional<Version> parse(String version) {
    Matcher m = MAJOR_MINOR.matcher(version);
    return m.lookingAt()
        ? Optional.of(new Version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
        : Optional.empty();
  }
}
