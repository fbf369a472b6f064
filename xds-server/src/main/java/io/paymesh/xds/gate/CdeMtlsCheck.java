package io.paymesh.xds.gate;

import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.TrafficDirection;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CertificateValidationContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsParameters.TlsProtocol;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.paymesh.config.model.PciScope;
import io.paymesh.config.model.Service;
import io.paymesh.config.store.PolicySnapshot;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.ProxyForm;
import io.paymesh.xds.translate.ProxyGroup;
import io.paymesh.xds.translate.XdsNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Payment invariant 7: the CDE is reached only over mutual TLS, and its callers verify whom they
 * reach.
 *
 * <ul>
 *   <li>A CDE service's inbound listeners (sidecar inbound and proxyless server listeners; as in
 *       invariant 5, every listener not marked OUTBOUND, api listeners aside): every filter chain
 *       terminates TLS with a DownstreamTlsContext that requires a client certificate and
 *       verifies it (a validation context from SDS, a file or a certificate provider), at TLS 1.2
 *       or later; so there is no plaintext chain and no listener without TLS.
 *   <li>In every group, a cluster to a CDE Service verifies that Service's exact SPIFFE ID: one
 *       or more URI SAN matchers, all {@code exact} on the identity (a sticky split's cluster:
 *       exactly its targets' identities), in the field the proxy reads
 *       ({@code match_typed_subject_alt_names} for Envoy, the deprecated
 *       {@code match_subject_alt_names} for grpc-java, which ignores the typed one).
 * </ul>
 */
final class CdeMtlsCheck implements GateCheck {
  static final String INVARIANT = "7";

  @Override
  public String invariant() {
    return INVARIANT;
  }

  @Override
  public List<GateViolation> check(
      PolicySnapshot snapshot, ProxyGroup group, GroupResources resources) {
    List<GateViolation> out = new ArrayList<>();
    Service service = snapshot.services().get(group.service());
    if (service != null && service.spec().pciScope() == PciScope.CDE) {
      for (Listener listener : resources.listeners()) {
        if (!listener.hasApiListener()
            && listener.getTrafficDirection() != TrafficDirection.OUTBOUND) {
          checkInbound(listener, group.form(), out);
        }
      }
    }
    for (Cluster cluster : resources.clusters()) {
      List<Service> targets = targets(snapshot, cluster);
      if (targets.stream().anyMatch(t -> t.spec().pciScope() == PciScope.CDE)) {
        checkCaller(cluster, targets, group.form(), out);
      }
    }
    return out;
  }

  private static void checkInbound(Listener listener, ProxyForm form, List<GateViolation> out) {
    String resource = ResourceNames.listener(listener);
    List<FilterChain> chains = XdsWalk.filterChains(listener);
    if (chains.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT,
          "inbound listener of a CDE service has no filter chain with mTLS"));
    }
    for (int i = 0; i < chains.size(); i++) {
      FilterChain chain = chains.get(i);
      String where = XdsWalk.chainLabel(chain, i) + ": ";
      if (!chain.hasTransportSocket()) {
        out.add(new GateViolation(resource, INVARIANT,
            where + "no transport socket, so it accepts plaintext into the CDE"));
        continue;
      }
      Optional<DownstreamTlsContext> tls = XdsWalk.downstreamTls(chain);
      if (tls.isEmpty()) {
        out.add(new GateViolation(resource, INVARIANT, where + "transport socket '"
            + chain.getTransportSocket().getName() + "' is not "
            + XdsNames.TLS_TRANSPORT_SOCKET + " with a DownstreamTlsContext"));
        continue;
      }
      if (!tls.get().getRequireClientCertificate().getValue()) {
        out.add(new GateViolation(resource, INVARIANT,
            where + "require_client_certificate is not true, so callers need no certificate"));
      }
      CommonTlsContext common = tls.get().getCommonTlsContext();
      if (!verifiesPeers(common)) {
        out.add(new GateViolation(resource, INVARIANT, where
            + "no validation context, so client certificates are not verified"));
      }
      checkMinimumVersion(resource, where, common, form, out);
    }
  }

  /**
   * An Envoy sidecar must state TLS 1.2 or later: Envoy's default for an unset (TLS_AUTO) minimum
   * is documented to change over time. A proxyless server may not carry tls_params at all
   * (grpc-java rejects the listener), and needs none: gRPC's TLS stack (GrpcSslContexts over
   * Netty) enables only TLS 1.2 and 1.3 and only the AEAD cipher suites HTTP/2 allows, which
   * TLS 1.0 and 1.1 cannot negotiate. If tls_params are present anyway, they are held to 1.2.
   */
  private static void checkMinimumVersion(String resource, String where, CommonTlsContext common,
      ProxyForm form, List<GateViolation> out) {
    if (!common.hasTlsParams()) {
      if (form == ProxyForm.SIDECAR) {
        out.add(new GateViolation(resource, INVARIANT,
            where + "no tls_params, expected tls_minimum_protocol_version TLSv1_2 or later"));
      }
      return;
    }
    TlsProtocol min = common.getTlsParams().getTlsMinimumProtocolVersion();
    if (min != TlsProtocol.TLSv1_2 && min != TlsProtocol.TLSv1_3) {
      out.add(new GateViolation(resource, INVARIANT, where + "tls_minimum_protocol_version is "
          + min + ", expected TLSv1_2 or later"));
    }
  }

  /** Roots to verify a peer against: SDS (ADS or file), a CA file or a certificate provider. */
  private static boolean verifiesPeers(CommonTlsContext common) {
    if (common.hasValidationContextSdsSecretConfig()
        || common.getCombinedValidationContext().hasValidationContextSdsSecretConfig()) {
      return true;
    }
    Optional<CertificateValidationContext> inline = XdsWalk.inlineValidation(common);
    return inline.isPresent()
        && (inline.get().hasTrustedCa() || inline.get().hasCaCertificateProviderInstance());
  }

  private static void checkCaller(
      Cluster cluster, List<Service> targets, ProxyForm form, List<GateViolation> out) {
    String resource = ResourceNames.cluster(cluster);
    Set<String> identities = targets.stream()
        .map(t -> t.spec().identity())
        .collect(Collectors.toCollection(TreeSet::new));
    String subject = "cluster to CDE service '" + targets.stream()
        .filter(t -> t.spec().pciScope() == PciScope.CDE).map(Service::name)
        .collect(Collectors.joining("', '")) + "'";
    Optional<UpstreamTlsContext> tls = XdsWalk.upstreamTls(cluster);
    if (tls.isEmpty()) {
      out.add(new GateViolation(resource, INVARIANT,
          subject + " has no " + XdsNames.TLS_TRANSPORT_SOCKET + " UpstreamTlsContext"));
      return;
    }
    Optional<CertificateValidationContext> validation =
        XdsWalk.inlineValidation(tls.get().getCommonTlsContext());
    boolean verified;
    String expected;
    String shown = identities.stream().collect(Collectors.joining("', '", "'", "'"));
    if (form == ProxyForm.SIDECAR) {
      verified = validation.isPresent() && typedExactUris(validation.get(), identities);
      expected = "match_typed_subject_alt_names of only URI exact " + shown;
    } else {
      verified = validation.isPresent() && deprecatedExacts(validation.get(), identities);
      expected = "match_subject_alt_names of only exact " + shown;
    }
    if (!verified) {
      out.add(new GateViolation(resource, INVARIANT,
          subject + " does not verify its SPIFFE ID: expected " + expected));
    }
  }

  /** Every matcher is an exact URI SAN of one of the identities, and each identity has one. */
  private static boolean typedExactUris(CertificateValidationContext v, Set<String> identities) {
    List<SubjectAltNameMatcher> sans = v.getMatchTypedSubjectAltNamesList();
    return sans.stream().allMatch(san -> san.getSanType() == SubjectAltNameMatcher.SanType.URI)
        && exactlyThese(sans.stream().map(SubjectAltNameMatcher::getMatcher).toList(),
            identities);
  }

  /** The field grpc-java reads (gRFC A29); it is deprecated in Envoy's API. */
  @SuppressWarnings("deprecation")
  private static boolean deprecatedExacts(CertificateValidationContext v, Set<String> identities) {
    return exactlyThese(v.getMatchSubjectAltNamesList(), identities);
  }

  private static boolean exactlyThese(List<StringMatcher> matchers, Set<String> identities) {
    Set<String> matched = new TreeSet<>();
    for (StringMatcher m : matchers) {
      if (m.getMatchPatternCase() != StringMatcher.MatchPatternCase.EXACT || m.getIgnoreCase()
          || !identities.contains(m.getExact())) {
        return false;
      }
      matched.add(m.getExact());
    }
    return matched.equals(identities);
  }

  /**
   * The Services a cluster connects to: clusters of mesh Services are named after them; a sticky
   * split's cluster names its targets in metadata.
   */
  private static List<Service> targets(PolicySnapshot snapshot, Cluster cluster) {
    List<String> names = XdsWalk.splitTargets(cluster);
    if (names.isEmpty()) {
      String edsName = cluster.getEdsClusterConfig().getServiceName();
      names = List.of(edsName.isEmpty() ? cluster.getName() : edsName);
    }
    return names.stream().map(snapshot.services()::get).filter(Objects::nonNull).toList();
  }
}
