package io.paymesh.xds.gate;

import static io.paymesh.xds.gate.GateFixtures.SIDECAR;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.envoyproxy.envoy.config.core.v3.DataSource;
import io.envoyproxy.envoy.config.core.v3.TransportSocket;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.CommonTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.TlsCertificate;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext;
import io.paymesh.xds.translate.GroupResources;
import io.paymesh.xds.translate.PolicyFixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class InlinePrivateKeyGateTest {
  private final Gate gate = new Gate();

  @Test
  void inlinePrivateKeyInsideAnUpstreamTlsContext_isReported() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR), "stripe", c -> {
      try {
        UpstreamTlsContext tls =
            c.getTransportSocket().getTypedConfig().unpack(UpstreamTlsContext.class);
        UpstreamTlsContext.Builder withKey = tls.toBuilder();
        withKey.getCommonTlsContextBuilder().addTlsCertificates(TlsCertificate.newBuilder()
            .setCertificateChain(DataSource.newBuilder().setFilename("/etc/certs/chain.pem"))
            .setPrivateKey(DataSource.newBuilder().setInlineString("-----BEGIN PRIVATE KEY-----")));
        c.getTransportSocketBuilder().setTypedConfig(Any.pack(withKey.build()));
        return c;
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Cluster/stripe", "8",
        "key material given inline at transport_socket.typed_config.common_tls_context"
            + ".tls_certificates[0].private_key; deliver it through SDS"));
  }

  @Test
  void inlineKeyInAListenerFilterChainTransportSocket_isReported() {
    DownstreamTlsContext tls = DownstreamTlsContext.newBuilder()
        .setCommonTlsContext(CommonTlsContext.newBuilder()
            .addTlsCertificates(TlsCertificate.newBuilder()
                .setPrivateKey(DataSource.newBuilder()
                    .setInlineBytes(com.google.protobuf.ByteString.copyFromUtf8("key")))))
        .build();
    GroupResources bad = GateFixtures.editListener(GateFixtures.translate(SIDECAR),
        "inbound|grpc", l -> {
          l.getFilterChainsBuilder(0).setTransportSocket(TransportSocket.newBuilder()
              .setName("envoy.transport_sockets.tls").setTypedConfig(Any.pack(tls)));
          return l;
        });

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(new GateViolation("Listener/inbound|grpc",
        "8", "key material given inline at filter_chains[0].transport_socket.typed_config"
            + ".common_tls_context.tls_certificates[0].private_key; deliver it through SDS"));
  }

  @Test
  void inlineKeyInAServedSecret_isReported() {
    GroupResources good = GateFixtures.translate(SIDECAR);
    Secret withKey = Secret.newBuilder()
        .setName("psp-ca-bundle")
        .setTlsCertificate(TlsCertificate.newBuilder()
            .setCertificateChain(DataSource.newBuilder().setFilename("/etc/certs/chain.pem"))
            .setPrivateKey(DataSource.newBuilder().setInlineString("-----BEGIN PRIVATE KEY-----")))
        .build();

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR,
        GateFixtures.withSecrets(good, List.of(withKey)));

    assertThat(result.violations()).containsExactly(new GateViolation("Secret/psp-ca-bundle",
        "8", "key material given inline at tls_certificate.private_key; deliver it through SDS"));
  }

  @Test
  void anyOfAnUnreadableType_failsClosed() {
    GroupResources bad = GateFixtures.editCluster(GateFixtures.translate(SIDECAR), "ledger",
        c -> c.putTypedExtensionProtocolOptions("vendor.options",
            Any.pack(Struct.getDefaultInstance())));

    GateResult result = gate.check(PolicyFixtures.snapshot(), SIDECAR, bad);

    assertThat(result.violations()).containsExactly(
        new GateViolation("Cluster/ledger", "8",
            "cannot inspect typed_extension_protocol_options[vendor.options] of type"
                + " type.googleapis.com/google.protobuf.Struct"),
        // Nor can the field rules be checked (invariant 9).
        new GateViolation("Cluster/ledger", "9",
            "cannot check typed_extension_protocol_options[vendor.options] of type"
                + " type.googleapis.com/google.protobuf.Struct: not a type paymesh emits, so its"
                + " field rules are unknown"));
  }
}
